"""Typed dependencies the routes declare: the service, and the QA it serves."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.service import Service
from retriever.qa import QA


# Async on purpose: FastAPI runs a plain `def` dependency on the thread pool, where a probe
# would wait behind every /ask in flight.
async def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


async def get_qa(service: Annotated[Service, Depends(get_service)]) -> QA:
    return service.require()


ServiceDep = Annotated[Service, Depends(get_service)]
QADep = Annotated[QA, Depends(get_qa)]
