"""Measuring the read side: the eval set, metrics (ranx), variants, reports, calibration."""
