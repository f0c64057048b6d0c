"""One JSON error envelope for every failure: {"error": kind, "message": ..., ["problems": [...]]}."""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ..errors import InduscopeError, Problem, ValidationError


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(InduscopeError)
    async def _induscope(_: Request, exc: InduscopeError) -> JSONResponse:
        return JSONResponse(exc.to_dict(), status_code=exc.http_status)

    @app.exception_handler(RequestValidationError)
    async def _request(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [Problem(source="request", column=".".join(str(p) for p in e.get("loc", ())),
                            value=e.get("input"), expected=e.get("msg", "")) for e in exc.errors()]
        return JSONResponse(ValidationError(problems, wrote_nothing=False).to_dict(), status_code=422)
