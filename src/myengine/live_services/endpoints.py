"""HTTP layer for /live_services and the six product collections."""

from fastapi import APIRouter

router = APIRouter(tags=["Live services"])
