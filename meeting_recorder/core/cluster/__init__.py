"""Transcribing files on a Ray cluster (issue 17; design in the README's "Transcribing on a
cluster"). Nothing here imports Ray until a job opens: without the ``cluster`` extra the app
works as before and ``ClusterJob.open`` raises ClusterUnavailable."""

from meeting_recorder.core.cluster.events import (
    ClusterFileCancelled,
    ClusterFileDone,
    ClusterFileFailed,
    ClusterFileProgress,
    ClusterFileRetried,
    ClusterFileStarted,
    ClusterReady,
)
from meeting_recorder.core.cluster.job import ClusterJob
from meeting_recorder.core.cluster.slots import WorkerInfo
from meeting_recorder.core.cluster.options import LOCAL, ClusterAddress, ClusterOptions, parse_address
from meeting_recorder.core.errors import ClusterUnavailable, ClusterUnreachable, ClusterWorkersLost

__all__ = [
    "LOCAL",
    "ClusterAddress",
    "ClusterFileCancelled",
    "ClusterFileDone",
    "ClusterFileFailed",
    "ClusterFileProgress",
    "ClusterFileRetried",
    "ClusterFileStarted",
    "ClusterJob",
    "ClusterOptions",
    "ClusterReady",
    "ClusterUnavailable",
    "ClusterUnreachable",
    "ClusterWorkersLost",
    "WorkerInfo",
    "parse_address",
]
