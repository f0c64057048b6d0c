"""/api/v1/clusters: the cluster registry and each cluster's indicators (services.clusters)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from ...store import Workspace
from ..auth import VIEWER
from ..schemas import ERRORS
from .deps import PagingDep, clean, page, workspace

router = APIRouter(responses=ERRORS)


@router.get("/clusters", tags=["clusters"], operation_id="list_clusters", **VIEWER)
def clusters(paging: PagingDep, ws: Workspace = Depends(workspace)):
    from ...services import clusters as svc

    return page(svc.list_clusters(ws), paging, name="clusters")


@router.get("/clusters/{cluster_id}", tags=["clusters"], operation_id="get_cluster", **VIEWER)
def cluster(cluster_id: Annotated[str, Path(max_length=64, pattern=r"^[\w.-]+$")], ws: Workspace = Depends(workspace)):
    """Revenue and growth, enterprises by size class and SME tier, chain nodes covered, open alerts."""
    from ...services import clusters as svc

    return clean(svc.show_cluster(ws, cluster_id))
