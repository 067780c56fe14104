"""The Library view's widgets, actions and questions (a mixin: ``class LibraryView(
LibraryWidgets, QWidget)``; the behaviour is in ``library_view.py``).

The questions go through ``ask_title``, ``ask_tags``, ``ask_delete``,
``ask_transcribe_again`` and ``ask_folder``, and ``reveal(path)`` opens a file manager:
tests replace those.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QGridLayout, QHeaderView, QLabel, QLineEdit, QListView, QMenu, QPushButton, QStackedWidget,
    QTableView, QVBoxLayout, QWidget,
)

from meeting_recorder.ui import library_dialogs
from meeting_recorder.ui.library_dialogs import TagsDialog, TranscribeAgain, TranscribeAgainDialog
from meeting_recorder.ui.library_model import (
    COL_DATE, COL_DURATION, COL_SPEAKERS, COL_STATUS, COL_TAGS, COL_TITLE, HitDelegate,
)
from meeting_recorder.ui.widgets import hbox

PAGE_LIST, PAGE_EMPTY, PAGE_RESULTS = range(3)
EMPTY_STYLE = "color: #666666; font-size: 14px; padding: 24px;"
ERROR_STYLE = "color: #a61b1b; background: #fdecea; border: 1px solid #e0a0a0; border-radius: 4px; padding: 4px;"


class LibraryWidgets:
    """Builds the view's widgets and actions; ``LibraryView`` provides the slots."""

    # Provided by LibraryView (and QWidget):
    settings: Any
    proxy: Any
    results: Any
    tr: Any
    addAction: Any

    # -- widgets -----------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(self.tr("Search the words of every meeting (Ctrl+F)"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setToolTip(self.tr("English words or Korean syllables; \"quoted phrases\" match exactly"))
        self.search_edit.textChanged.connect(self._on_search_text)
        self.search_edit.returnPressed.connect(self._open_first_result)
        search_label = QLabel(self.tr("&Search:"), self)
        search_label.setBuddy(self.search_edit)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(self.tr("Filter the list by title, speaker, tag or date"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        self.filter_edit.textChanged.connect(lambda _text: self._update_page())  # none left: say so
        filter_label = QLabel(self.tr("&Filter:"), self)
        filter_label.setBuddy(self.filter_edit)
        self.speaker_combo = self._combo(self.tr("All speakers"), self.tr("Only meetings where this person speaks"))
        self.tag_combo = self._combo(self.tr("All tags"), self.tr("Only meetings with this tag"))
        self.date_combo = self._combo(self.tr("Any time"), self.tr("Only meetings in this period"))
        for days, text in ((1, self.tr("Last 24 hours")), (7, self.tr("Last 7 days")),
                           (30, self.tr("Last 30 days")), (365, self.tr("Last 12 months"))):
            self.date_combo.addItem(text, days)

        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)  # F2 renames in place
        self.table.verticalHeader().setVisible(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(lambda index: self.open_meeting(self._meeting_at(index)))
        self.table.setToolTip(self.tr("Double-click a meeting to open its transcript; F2 renames it"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        for column in (COL_DATE, COL_DURATION, COL_STATUS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for column in (COL_SPEAKERS, COL_TAGS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(column, 160)
        column, order = self.settings.library_sort
        self.table.sortByColumn(column, Qt.SortOrder(order))
        header.sortIndicatorChanged.connect(self._remember_sort)
        self.table.selectionModel().currentChanged.connect(lambda *_: self._update_actions())

        self.empty_label = QLabel(self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet(EMPTY_STYLE)
        self.results_label = QLabel(self)
        self.results_label.setTextFormat(Qt.TextFormat.PlainText)
        self.results_list = QListView(self)
        self.results_list.setModel(self.results)
        self.results_list.setItemDelegate(HitDelegate(self.results_list))
        self.results_list.setWordWrap(True)
        self.results_list.setResizeMode(QListView.ResizeMode.Adjust)
        self.results_list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results_list.setAlternatingRowColors(True)
        self.results_list.activated.connect(self.open_result)  # Enter, and a double-click
        self.results_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.results_list.customContextMenuRequested.connect(self._context_menu)
        self.results_list.selectionModel().currentChanged.connect(lambda *_: self._update_actions())
        results_page = QWidget(self)
        results_layout = QVBoxLayout(results_page)
        results_layout.setContentsMargins(0, 0, 0, 0)
        self.no_results_label = QLabel(self)  # instead of an empty list
        self.no_results_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_results_label.setWordWrap(True)
        self.no_results_label.setTextFormat(Qt.TextFormat.PlainText)
        self.no_results_label.setStyleSheet(EMPTY_STYLE)
        self.no_results_label.hide()
        results_layout.addWidget(self.results_label)
        results_layout.addWidget(self.results_list, 1)
        results_layout.addWidget(self.no_results_label, 1)
        self.pages = QStackedWidget(self)
        for page in (self.table, self.empty_label, results_page):
            self.pages.addWidget(page)

        self.message_label = QLabel(self)
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setStyleSheet(ERROR_STYLE)
        self.message_label.hide()
        self.buttons = QWidget(self)
        boxes = QGridLayout()  # the two boxes one above the other, their labels in a column
        boxes.addWidget(search_label, 0, 0)
        boxes.addWidget(self.search_edit, 0, 1, 1, 4)
        for column, widget in enumerate((filter_label, self.filter_edit, self.speaker_combo, self.tag_combo,
                                         self.date_combo)):
            boxes.addWidget(widget, 1, column)
        boxes.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(boxes)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)

    def _combo(self, everything: str, tip: str) -> QComboBox:
        combo = QComboBox(self)
        combo.addItem(everything, None)
        combo.setToolTip(tip)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.currentIndexChanged.connect(self._on_filter_choice)
        return combo

    def _build_actions(self) -> None:
        def action(text: str, tip: str, slot: Any, shortcut: Any = None, *on: QWidget) -> QAction:
            """``shortcut`` works where focus is in ``on`` (the lists: the boxes keep their Delete key)."""
            item = QAction(text, self)
            item.setToolTip(tip)
            item.triggered.connect(lambda _checked=False: slot())
            if shortcut is not None:
                item.setShortcut(QKeySequence(shortcut))
                item.setShortcutContext(Qt.ShortcutContext.WidgetShortcut if on
                                        else Qt.ShortcutContext.WidgetWithChildrenShortcut)
                for widget in on or (self,):
                    widget.addAction(item)
            return item

        self.open_action = action(self.tr("&Open"), self.tr("Open the transcript in the editor"), self.open_selected)
        self.rename_action = action(self.tr("&Rename…"), self.tr("Give the meeting another title"), self.rename_selected)
        self.tags_action = action(self.tr("&Tags…"), self.tr("Tag the meeting to find it later"), self.tag_selected)
        self.again_action = action(self.tr("Transcribe &again…"),
                                   self.tr("Transcribe the meeting's audio again with another model or speaker count"),
                                   self.transcribe_again_selected)
        self.reveal_action = action(self.tr("Show in &folder"), self.tr("Open the folder that holds the meeting's files"),
                                    self.reveal_selected)
        self.delete_action = action(self.tr("&Delete…"), self.tr("Delete the meeting's audio and transcripts"),
                                    self.delete_selected, QKeySequence.StandardKey.Delete, self.table, self.results_list)
        self.forget_action = action(self.tr("&Forget"), self.tr("Remove this missing meeting from the library"),
                                    self.forget_selected)
        self.import_action = action(self.tr("&Import folder…"),
                                    self.tr("Add the recordings and transcripts of a folder to the library"),
                                    self.import_folder_dialog)
        self.forget_missing_action = action(self.tr("Forget &missing"),
                                            self.tr("Remove every meeting whose files are gone from the library"),
                                            self.forget_missing)
        action("", "", lambda: (self.search_edit.setFocus(), self.search_edit.selectAll()), QKeySequence.StandardKey.Find)
        row = []
        for item in (self.open_action, self.rename_action, self.tags_action, self.again_action, self.reveal_action,
                     self.delete_action, None, self.import_action, self.forget_missing_action):
            if item is None:
                row.append(None)
                continue
            button = QPushButton(item.text(), self.buttons)
            button.setToolTip(item.toolTip())
            button.clicked.connect(item.trigger)
            item.changed.connect(lambda b=button, a=item: b.setEnabled(a.isEnabled()))
            row.append(button)
        layout = hbox(*row)
        layout.setContentsMargins(0, 0, 0, 0)
        self.buttons.setLayout(layout)

    def _context_menu(self, position: QPoint) -> None:
        meeting = self.selected_meeting()
        menu = QMenu(self)
        if meeting is not None and meeting.missing:
            menu.addAction(self.forget_action)
        elif meeting is not None:
            for item in (self.open_action, self.rename_action, self.tags_action, self.again_action,
                         self.reveal_action, None, self.delete_action):
                menu.addSeparator() if item is None else menu.addAction(item)
        menu.addSeparator()
        menu.addAction(self.import_action)
        menu.addAction(self.forget_missing_action)
        view = self.results_list if self.pages.currentIndex() == PAGE_RESULTS else self.table
        menu.exec(view.viewport().mapToGlobal(position))
        menu.deleteLater()


    # -- questions (tests replace these) ---------------------------------------------------------
    def ask_title(self, meeting: Any) -> str | None:
        return library_dialogs.ask_title(self, meeting)

    def ask_tags(self, meeting: Any, known_tags: list[str]) -> list[str] | None:
        dialog = TagsDialog(meeting, known_tags, self)
        tags = dialog.tags() if dialog.exec() == TagsDialog.DialogCode.Accepted else None
        dialog.deleteLater()
        return tags

    def ask_delete(self, meeting: Any) -> bool:
        return library_dialogs.ask_delete(self, meeting)

    def ask_transcribe_again(self, meeting: Any) -> TranscribeAgain | None:
        dialog = TranscribeAgainDialog(meeting, self.settings.model, self)
        choice = dialog.choice() if dialog.exec() == TranscribeAgainDialog.DialogCode.Accepted else None
        dialog.deleteLater()
        return choice

    def ask_folder(self) -> str:
        return library_dialogs.ask_folder(self, str(self.settings.recordings_dir))

    def reveal(self, path: str | None) -> None:
        if path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).parent)))
