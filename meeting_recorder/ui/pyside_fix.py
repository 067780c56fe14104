"""Work around a reference-count bug of the pinned PySide6 6.12.0 on Python 3.11.

Its abi3 wheels give back ``None`` from many void methods (``QLabel.setText``,
``QCoreApplication.processEvents``, …) without taking a reference, which is harmless on
Python >= 3.12, where ``None`` is immortal, but on 3.11 every such call takes one
reference away from ``None``. After a few thousand calls (a second of a busy event loop)
the count reaches zero and the interpreter aborts with "Fatal Python error: none_dealloc:
deallocating None". Adding 2**40 references makes ``None`` immortal in practice, as it is
on 3.12. Remove this once PySide6 is fixed or the project moves to Python 3.12.
"""

from __future__ import annotations

import ctypes
import platform
import sys

_HEADROOM = 1 << 40
_applied = False


def immortalize_none() -> bool:
    """Give ``None`` 2**40 extra references once per process; True if it was needed."""
    global _applied
    if _applied or sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        return False
    # ob_refcnt is the first field of every CPython object, and id() is its address.
    ctypes.c_ssize_t.from_address(id(None)).value += _HEADROOM
    _applied = True
    return True
