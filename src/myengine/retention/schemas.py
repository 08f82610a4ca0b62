"""Documentation models of the deletion preview and the erasure receipt."""

from pydantic import BaseModel, Field


class ErasureOut(BaseModel):
    """One field that anonymisation erases."""

    record: str = Field(description="`client` or `live_service`.")
    record_id: int
    field: str
    replacement: str = Field(
        description="What replaces the value: `null`, the placeholder `anonymised-<client id>`, "
        "or, for `attributes`, the numbers and flags alone."
    )
    erased: str | None = Field(description="When it was erased; null while still scheduled.")
    scheduled: str | None = Field(description="When the anonymisation is or was due.")


class KeptClassOut(BaseModel):
    """A class of records kept after anonymisation."""

    class_: str = Field(alias="class", description="The class name used in the data-retention policy.")
    records: str = Field(description="What is kept.")
    reason: str = Field(description="Why it is kept.")
    retention: str = Field(description="How long it is kept.")
    purge_after: str | None = Field(
        description="When the class is purged, where that is known; null when it has no fixed end."
    )


class DeletionPreviewOut(BaseModel):
    """Preview of `DELETE /clients/{id}`, computed without changing anything."""

    dry_run: bool
    client_id: int
    client_status_id: int = Field(description="The client's status now.")
    would_change: bool = Field(description="False when the client is already deleted.")
    client_status_id_after: int
    suspend_live_service_ids: list[int] = Field(
        description="Services the delete would suspend (cause `client_deleted`)."
    )
    anonymise_after: str | None = Field(description="When anonymisation would be due.")
    anonymised: str | None
    terminate_live_service_ids_at_anonymisation: list[int] = Field(
        description="Services still running that anonymisation would terminate."
    )
    anonymise: list[ErasureOut]
    kept: list[KeptClassOut]
    policy_url: str = Field(description="The data-retention policy, readable in a browser.")


class ErasureReceiptOut(BaseModel):
    """Erasure receipt of a deleted client: the fields erased or to be erased, and the records kept."""

    client_id: int
    client_status_id: int = Field(description="3 (deleted, awaiting anonymisation) or 4 (anonymised).")
    deleted: str | None
    anonymise_after: str | None
    anonymised: str | None
    erased: list[ErasureOut]
    kept: list[KeptClassOut]
    policy_url: str
