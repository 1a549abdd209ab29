"""The spec's ScanOptions: stored in scan_jobs.options and honoured by every phase."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

MAX_TARGETED_PATHS = 1000


def normalize_library_path(path: str) -> str:
    """A folder relative to the library root in POSIX form ("The Matrix (1999)", "Collections/Alien"); raises
    ValueError for an absolute path, a path leaving the root (".."), or an empty one."""
    text = path
    if text.startswith("/"):
        raise ValueError(f"{path!r} is an absolute path: give a folder relative to the library root")
    parts = [part for part in text.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise ValueError(f"{path!r} leaves the library root ('..' is not allowed)")
    if not parts or "\0" in text:
        raise ValueError(f"{path!r} does not name a folder under the library root")
    return "/".join(parts)


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
    paths: list[str] = Field(
        default_factory=list,
        max_length=MAX_TARGETED_PATHS,
        description="Scan only these folders (relative to the library root); empty = the whole library.",
    )

    @field_validator("paths")
    @classmethod
    def _relative_folders(cls, paths: list[str]) -> list[str]:
        """Relative, inside the root, each once (in the order given)."""
        return list(dict.fromkeys(normalize_library_path(path) for path in paths))

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
