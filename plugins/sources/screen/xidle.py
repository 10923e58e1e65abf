"""How long the user has been idle, from the X server's MIT-SCREEN-SAVER extension.

Through XCB (libxcb-screensaver) rather than Xlib: Xlib's default I/O error handler exits
the whole process when the X server goes away (a logout), XCB only reports an error.
Without the library or the extension, `query()` answers None and the screen source falls
back to noticing that frames stop changing.
"""

from __future__ import annotations

import ctypes
import ctypes.util

SCREENSAVER_ON = 1


class _ScreenIterator(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("rem", ctypes.c_int), ("index", ctypes.c_int)]


class _Cookie(ctypes.Structure):
    _fields_ = [("sequence", ctypes.c_uint)]


class _InfoReply(ctypes.Structure):
    _fields_ = [
        ("response_type", ctypes.c_uint8),
        ("state", ctypes.c_uint8),
        ("sequence", ctypes.c_uint16),
        ("length", ctypes.c_uint32),
        ("saver_window", ctypes.c_uint32),
        ("ms_until_server_saver", ctypes.c_uint32),
        ("ms_since_user_input", ctypes.c_uint32),
        ("event_mask", ctypes.c_uint32),
        ("kind", ctypes.c_uint8),
        ("pad0", ctypes.c_uint8 * 7),
    ]


class XIdle:
    def __init__(self, display: str) -> None:
        self._conn: int | None = None
        self._root = 0
        libs = [ctypes.util.find_library(n) for n in ("xcb", "xcb-screensaver", "c")]
        if not display or not all(libs):
            return
        self._xcb, self._xss, self._libc = (ctypes.CDLL(name) for name in libs)  # type: ignore[arg-type]
        self._declare()
        screen = ctypes.c_int(0)
        conn = self._xcb.xcb_connect(display.encode(), ctypes.byref(screen))
        if not conn or self._xcb.xcb_connection_has_error(conn):
            if conn:
                self._xcb.xcb_disconnect(conn)
            return
        self._conn = conn
        self._root = self._root_window(conn, screen.value)

    def _declare(self) -> None:
        xcb = self._xcb
        xss = self._xss
        xcb.xcb_connect.restype = ctypes.c_void_p
        xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
        xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
        xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
        xcb.xcb_get_setup.restype = ctypes.c_void_p
        xcb.xcb_get_setup.argtypes = [ctypes.c_void_p]
        xcb.xcb_setup_roots_iterator.restype = _ScreenIterator
        xcb.xcb_setup_roots_iterator.argtypes = [ctypes.c_void_p]
        xcb.xcb_screen_next.argtypes = [ctypes.POINTER(_ScreenIterator)]
        xss.xcb_screensaver_query_info.restype = _Cookie
        xss.xcb_screensaver_query_info.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
        xss.xcb_screensaver_query_info_reply.restype = ctypes.POINTER(_InfoReply)
        xss.xcb_screensaver_query_info_reply.argtypes = [
            ctypes.c_void_p,
            _Cookie,
            ctypes.POINTER(ctypes.c_void_p),
        ]
        self._libc.free.argtypes = [ctypes.c_void_p]

    def _root_window(self, conn: int, screen: int) -> int:
        iterator = self._xcb.xcb_setup_roots_iterator(self._xcb.xcb_get_setup(conn))
        for _ in range(min(screen, max(iterator.rem - 1, 0))):
            self._xcb.xcb_screen_next(ctypes.byref(iterator))
        # xcb_screen_t begins with its root window id (a uint32)
        return ctypes.c_uint32.from_address(iterator.data).value if iterator.data else 0

    @property
    def available(self) -> bool:
        return self._conn is not None

    def query(self) -> tuple[float, bool] | None:
        """(seconds since the last keyboard/mouse input, screen saver active), or None."""
        if self._conn is None or self._xcb.xcb_connection_has_error(self._conn):
            return None
        cookie = self._xss.xcb_screensaver_query_info(self._conn, self._root)
        error = ctypes.c_void_p()
        reply = self._xss.xcb_screensaver_query_info_reply(self._conn, cookie, ctypes.byref(error))
        if error.value:
            self._libc.free(error)
        if not reply:
            return None
        try:
            info = reply.contents
            return info.ms_since_user_input / 1000.0, info.state == SCREENSAVER_ON
        finally:
            self._libc.free(ctypes.cast(reply, ctypes.c_void_p))

    def close(self) -> None:
        if self._conn is not None:
            self._xcb.xcb_disconnect(self._conn)
            self._conn = None
