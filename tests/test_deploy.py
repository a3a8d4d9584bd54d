"""deploy/ is not applied to a cluster here; these checks keep it in step with the code: the
probes hit real routes, every variable is a real setting, the image holds every package."""

from __future__ import annotations

import re
import tomllib
from typing import Any

import yaml

from api.app import create_app
from config.settings import PREFIX, Settings
from tests.helpers import ROOT

DEPLOY = ROOT / "deploy"


def documents() -> dict[str, dict[str, Any]]:
    text = (DEPLOY / "kubernetes.yaml").read_text(encoding="utf-8")
    return {doc["kind"]: doc for doc in yaml.safe_load_all(text)}


def container() -> dict[str, Any]:
    pod = documents()["Deployment"]["spec"]["template"]["spec"]
    (only,) = pod["containers"]
    return dict(only)


def test_the_probes_hit_the_routes_that_mean_ready_and_alive() -> None:
    c = container()
    assert c["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert c["livenessProbe"]["httpGet"]["path"] == "/health"
    (main,) = [r.app for r in create_app().routes if getattr(r, "path", None) == ""]
    assert {"/ready", "/health"} <= set(main.openapi()["paths"])


def test_the_pod_serves_the_bundle_read_only_on_all_interfaces() -> None:
    c = container()
    assert c["args"] == ["serve", "--bundle", "/bundle"]
    env = {e["name"]: e["value"] for e in c["env"]}
    assert env["GUIDE_RAG_HOST"] == "0.0.0.0"
    # Each is a real setting with a valid value: a renamed one would silently set nothing.
    assert all(name.startswith(PREFIX) for name in env)
    Settings().override(**{name[len(PREFIX) :].lower(): value for name, value in env.items()})
    (mount,) = [m for m in c["volumeMounts"] if m["mountPath"] == "/bundle"]
    assert mount["readOnly"] is True
    pod = documents()["Deployment"]["spec"]["template"]["spec"]
    (volume,) = [v for v in pod["volumes"] if v["name"] == mount["name"]]
    assert volume["persistentVolumeClaim"]["readOnly"] is True
    assert c["securityContext"]["readOnlyRootFilesystem"] is True
    ports = documents()["Service"]["spec"]["ports"]
    assert ports[0]["targetPort"] == c["ports"][0]["name"]


def test_the_image_installs_every_package_and_only_the_serve_extra() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = {p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]}
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    copied = set(re.findall(r"^COPY (\w+) /src/\1$", dockerfile, re.MULTILINE))
    assert copied == packages
    assert "'/src[serve]'" in dockerfile and "torch" not in project["project"]["dependencies"]
