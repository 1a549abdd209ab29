"""The spec's ScanOptions: stored in scan_jobs.options and honoured by every phase."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class ScanOptions(BaseModel):
    """Per-scan switches. Field names are snake_case in Python and camelCase in JSON, as in the spec."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    enable_caching: bool = True
    enable_enrichment: bool | None = Field(None, description="Default: the library's automation setting.")
    skip_asset_discovery: bool = False
    skip_ffprobe: bool = False
    max_directories: int | None = Field(None, ge=1)
    enrichment_mode: Literal["none", "metadata-only", "full"] = "full"
    force_full_rescan: bool = Field(False, description="Scan every directory, even those unchanged since last time.")

    def to_json_dict(self) -> dict[str, object]:
        return self.model_dump(by_alias=True)

    @classmethod
    def profile(cls, name: str, **overrides: object) -> ScanOptions:
        """Scan profiles (spec "Future enhancements"): quick = names, NFOs and assets only; full = everything."""
        profiles: dict[str, dict[str, object]] = {
            "quick": {
                "skip_ffprobe": True,
                "enable_caching": False,
                "enable_enrichment": False,
                "enrichment_mode": "none",
            },
            "full": {"enable_enrichment": True, "enrichment_mode": "full", "force_full_rescan": True},
            "default": {},
        }
        if name not in profiles:
            raise ValueError(f"unknown scan profile {name!r}; choose quick, full or default")
        return cls.model_validate({**profiles[name], **overrides})
