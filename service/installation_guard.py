"""Workers refuse the work of another installation.

Two databases whose workers poll the same task queues (a hand-set shared prefix, an old worker) would otherwise
write one database's scan into the other. A scan's workflow id starts with its installation's prefix, and so do
the ids of its children, so the id says whose work it is.
"""

from __future__ import annotations

import re
from typing import Any

from temporalio import activity, workflow
from temporalio.exceptions import ApplicationError
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    ExecuteWorkflowInput,
    Interceptor,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
)

WRONG_INSTALLATION = "WrongInstallation"
_DEFAULT_PREFIX = re.compile(r"^scan-([0-9a-f]{8})(?:-|$)")


def _owner(prefix_or_workflow_id: str, otherwise: str) -> str:
    """Installation whose default prefix starts the text, e.g. 'installation 1a2b3c4d'."""
    match = _DEFAULT_PREFIX.match(prefix_or_workflow_id)
    return f"installation {match.group(1)}" if match else otherwise


def refusal(workflow_id: str | None, prefix: str) -> ApplicationError | None:
    """The error for work whose workflow id does not carry this installation's prefix, else None."""
    if workflow_id is not None and workflow_id.startswith(f"{prefix}-"):
        return None
    theirs = _owner(workflow_id or "", "another installation")
    mine = _owner(prefix, f"workflow id prefix {prefix!r}")
    return ApplicationError(
        f"workflow {workflow_id} belongs to {theirs}, not to this worker's {mine} (workflow ids {prefix}-...): "
        "each database needs its own worker and task queues",
        type=WRONG_INSTALLATION,
        non_retryable=True,
    )


class InstallationGuard(Interceptor):
    """Fails, without retries, every workflow and activity whose workflow id is not this installation's."""

    def __init__(self, workflow_id_prefix: str) -> None:
        self.prefix = workflow_id_prefix

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _ActivityGuard(next, self.prefix)

    def workflow_interceptor_class(
        self, input: WorkflowInterceptorClassInput
    ) -> type[WorkflowInboundInterceptor] | None:
        # The SDK builds workflow interceptors from a class, so the prefix travels as a class attribute.
        return type("_PrefixedWorkflowGuard", (_WorkflowGuard,), {"prefix": self.prefix})


class _ActivityGuard(ActivityInboundInterceptor):
    def __init__(self, next: ActivityInboundInterceptor, prefix: str) -> None:
        super().__init__(next)
        self.prefix = prefix

    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        error = refusal(activity.info().workflow_id, self.prefix)
        if error is not None:
            raise error
        return await super().execute_activity(input)


class _WorkflowGuard(WorkflowInboundInterceptor):
    prefix = ""

    async def execute_workflow(self, input: ExecuteWorkflowInput) -> Any:
        error = refusal(workflow.info().workflow_id, self.prefix)
        if error is not None:
            raise error
        return await super().execute_workflow(input)
