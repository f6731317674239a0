"""The library's expected failures. Each message says what happened and what to do; the command
line prints it as one ``error: ...`` line (no traceback unless ``--debug``)."""

from __future__ import annotations


class FmnistError(Exception):
    """An expected failure whose message tells the user what to do."""


class SettingsError(FmnistError, ValueError):
    """A setting, argument or override that cannot be used; raised before any work starts."""


class NoSpace(FmnistError, OSError):
    """The disk filled up while writing a file (the file was not written; nothing half-written
    was left behind)."""


class RunLocked(FmnistError):
    """Another process is training the same run (same experiment, seed, budget, settings)."""


class RunDamaged(FmnistError):
    """A run's checkpoint, weights or record cannot be read, or does not match its record."""


class TrainingInterrupted(FmnistError):
    """Training was interrupted (Ctrl-C); its last checkpoint is intact."""


class DownloadFailed(FmnistError):
    """A published reference run could not be downloaded (offline, or not at that address)."""


class DownloadCorrupt(DownloadFailed):
    """A downloaded file is not the published one (its SHA-256 differs from the manifest's); it
    was discarded."""
