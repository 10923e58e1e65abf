"""`amber tui`: browse, search, read and edit memory in the terminal (Textual).

Entry point: `amber.tui.app.create_app(services)`, used by the CLI and by the tests. Screens
live in `screens/`, reusable widgets in `widgets/`, modal questions in `dialogs/`, the one
stylesheet in `amber.tcss`. The daemon panel and the review queue talk to the small
protocols in `amber.tui.protocols`, so the TUI runs whether or not those parts exist.
"""
