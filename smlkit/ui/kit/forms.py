"""The building blocks every dashboard shares.

* labelled inputs whose label (with hint and inline error) is a real ``<label>``;
* the GOV.UK-style error summary, "There is a problem", linking to each field;
* a save button with a status line that screen readers announce;
* escaped text display: user text reaches HTML only through :func:`escape`;
* :func:`guarded`, which keeps tracebacks out of dashboards.
"""

from __future__ import annotations

import html
import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import ipywidgets as widgets

from smlkit.errors import SmlkitError, StoreBusyError, ValidationError

log = logging.getLogger("smlkit.ui")
W = TypeVar("W", bound=widgets.DOMWidget)

#: Added to a dashboard's root widget once it has loaded the visitor's data and takes input.
READY_CLASS = "smlkit-ready"

APOLOGY = (
    "Sorry, something went wrong on the server and this was not done. Nothing you have "
    "typed is lost: it is still in the form. Try again, and tell the facilitator if it keeps happening."
)


def escape(value: Any) -> str:
    """The only way user text enters HTML in the workbook."""
    return html.escape("" if value is None else str(value), quote=True)


def paragraphs(text: str) -> str:
    """Escaped text with its line breaks kept."""
    return "<br>".join(escape(line) for line in str(text).split("\n"))


class _Unchanging:
    """Mixed into a model that many widgets share: once it is open, none of its sync'd settings may
    change (one widget's change would change them all); setting a value it already has is allowed."""

    def __setattr__(self, name: str, value: Any) -> None:
        if (
            not name.startswith("_")
            and getattr(self, "_model_id", None) is not None
            and name in type(self).class_trait_names(sync=True)  # type: ignore[attr-defined]
            and getattr(self, name) != value
        ):
            what = "layout" if isinstance(self, widgets.Layout) else "style"
            raise AttributeError(f"the page's shared {what} cannot change ({name}); use set_display to hide or show")
        super().__setattr__(name, value)


#: The style model each kind of control shares on this page (see :func:`page_style`).
_STYLES: dict[type[Any], Any] = {}
_SHARED_KINDS: dict[type[Any], type[Any]] = {}


def page_style(kind: type[widgets.DOMWidget]) -> Any:
    """The one style model the page's controls of ``kind`` share, instead of one each.

    ipywidgets gives every control a style model of its own: one more widget for the kernel to
    build and send, for the server to pass on and for the page to load. The workbook styles its
    controls with CSS classes and never changes a control's style (labels are as wide as their
    text, set here once), so one style per kind does for the whole page; it refuses changes. A
    style that was closed is replaced by a new one.
    """
    klass = kind.class_traits()["style"].klass
    style = _STYLES.get(klass)
    if style is None or style.comm is None:
        shared = _SHARED_KINDS.setdefault(klass, type(f"Shared{klass.__name__}", (_Unchanging, klass), {}))
        style = shared(description_width="initial") if "description_width" in klass.class_traits() else shared()
        _STYLES[klass] = style
    return style


class SharedLayout(_Unchanging, widgets.Layout):  # type: ignore[misc]  # ipywidgets has no type hints
    """The one layout model the page's controls and field boxes share (see :func:`page_layout`).

    It refuses changes: one control's layout changed here would change every control's. To hide or
    show a control, :func:`set_display` gives it a layout of its own first.
    """


_LAYOUT: list[SharedLayout] = []


def page_layout() -> SharedLayout:
    """The page's one shared layout model, made when first needed (a closed one is replaced).

    Like a style, ipywidgets gives every widget a layout model of its own, which the workbook
    leaves empty: the CSS classes lay the page out. Sharing one takes about half of a form's
    widget models away (the agreement page: 281 models built, sent and loaded before, 119 now with
    the boxes on it too: :func:`vbox`, :func:`hbox`).
    """
    if not _LAYOUT or _LAYOUT[0].comm is None:
        _LAYOUT[:] = [SharedLayout()]
    return _LAYOUT[0]


def set_display(widget: widgets.DOMWidget, display: str | None) -> None:
    """Show or hide ``widget`` (CSS ``display``); a widget on the shared layout gets its own first."""
    if isinstance(widget.layout, SharedLayout):
        if display is None:
            return  # the shared layout sets no display
        widget.layout = widgets.Layout(display=display)
    else:
        widget.layout.display = display


def styled(kind: type[W], **state: Any) -> W:
    """A control of ``kind`` on the page's shared style and layout (:func:`page_style`, :func:`page_layout`)."""
    made: W = kind(style=page_style(kind), layout=page_layout(), **state)
    return made


def vbox(children: Iterable[widgets.Widget] = (), **state: Any) -> widgets.VBox:
    """A column of widgets on the page's shared layout (the workbook lays boxes out with CSS classes)."""
    return widgets.VBox(list(children), layout=page_layout(), **state)


def hbox(children: Iterable[widgets.Widget] = (), **state: Any) -> widgets.HBox:
    """A row of widgets on the page's shared layout (see :func:`vbox`)."""
    return widgets.HBox(list(children), layout=page_layout(), **state)


def html_block(markup: str = "", *classes: str) -> widgets.HTML:
    """An HTML widget for markup built here from escaped parts."""
    block = styled(widgets.HTML, value=markup)
    for name in classes:
        block.add_class(name)
    return block


def clock(moment: datetime) -> str:
    """A save time as people say it: 14:05."""
    return moment.astimezone().strftime("%H:%M")


class Field:
    """One labelled control, with optional hint and an inline error shown in its label."""

    def __init__(self, name: str, label: str, control: widgets.DOMWidget, hint: str = ""):
        self.name = name
        self.label = label
        self.hint = hint
        self.control = control
        self.error: str | None = None
        control.description_allow_html = True
        control.style.description_width = "initial"
        self.box = vbox([control])
        self.box.add_class("smlkit-field")
        self.box.add_class(f"smlkit-field-{name}")
        self._render_label()

    def _render_label(self) -> None:
        parts = [f'<span class="smlkit-label-text">{escape(self.label)}</span>']
        if self.hint:
            parts.append(f'<span class="smlkit-hint">{escape(self.hint)}</span>')
        if self.error:
            parts.append(
                '<span class="smlkit-inline-error"><span class="smlkit-visually-hidden">Error: </span>'
                f"{escape(self.error)}</span>"
            )
        self.control.description = "".join(parts)

    def set_error(self, message: str | None) -> None:
        self.error = message
        if message:
            self.box.add_class("smlkit-invalid")
        else:
            self.box.remove_class("smlkit-invalid")
        self._render_label()

    @property
    def value(self) -> Any:
        return self.control.value

    @value.setter
    def value(self, new: Any) -> None:
        self.control.value = new


def text_field(name: str, label: str, *, hint: str = "", multiline: bool = False, placeholder: str = "") -> Field:
    kind = widgets.Textarea if multiline else widgets.Text
    box = styled(kind, value="", placeholder=placeholder, continuous_update=False)
    if multiline:
        box.rows = 6
    return Field(name, label, box, hint)


def combo_field(name: str, label: str, options: Sequence[str], *, hint: str = "") -> Field:
    """A text box that also offers suggestions to pick from."""
    box = styled(widgets.Combobox, value="", options=list(options), ensure_option=False, continuous_update=False)
    return Field(name, label, box, hint)


def scale_field(name: str, label: str, points: Iterable[tuple[int, str]], *, hint: str = "") -> Field:
    options = [(f"{value} – {text}", value) for value, text in points]
    return Field(name, label, styled(widgets.RadioButtons, options=options, value=None), hint)


def choice_field(
    name: str, label: str, options: Sequence[tuple[str, Any]], *, hint: str = "", value: Any = None
) -> Field:
    return Field(name, label, styled(widgets.RadioButtons, options=list(options), value=value), hint)


class ErrorSummary:
    """ "There is a problem", listing each error with a link that moves focus to its field."""

    def __init__(self) -> None:
        self.widget = html_block("", "smlkit-error-summary")

    def show(self, problems: Sequence[tuple[str | None, str]]) -> None:
        items = []
        for field, message in problems:
            if field:
                items.append(f'<li><a href="#" data-smlkit-field="{escape(field)}">{escape(message)}</a></li>')
            else:
                items.append(f"<li>{escape(message)}</li>")
        self.widget.value = (
            '<div class="smlkit-summary-box" role="alert" tabindex="-1" aria-labelledby="smlkit-summary-title">'
            '<h2 id="smlkit-summary-title">There is a problem</h2>'
            f"<ul>{''.join(items)}</ul></div>"
        )

    def clear(self) -> None:
        self.widget.value = ""

    @property
    def showing(self) -> bool:
        return bool(self.widget.value)


class StatusLine:
    """A polite live region: what just happened (saved, loading, a problem)."""

    def __init__(self) -> None:
        self.widget = html_block('<div role="status" aria-live="polite"></div>', "smlkit-status")
        self.text = ""

    def _set(self, css: str, text: str) -> None:
        self.text = text
        self.widget.value = f'<div role="status" aria-live="polite"><span class="{css}">{escape(text)}</span></div>'

    def ok(self, text: str) -> None:
        self._set("smlkit-ok", text)

    def saved(self, text: str) -> None:
        """Say a save the server has confirmed: the page script then forgets the typing it kept
        on the device for the fields that now show what was saved (only ever after a real save)."""
        self.text = text
        self.widget.value = (
            '<div role="status" aria-live="polite"><span class="smlkit-ok" '
            f'data-smlkit-saved="{uuid.uuid4().hex}">{escape(text)}</span></div>'
        )

    def problem(self, text: str) -> None:
        self._set("smlkit-problem", text)

    def busy(self, text: str) -> None:
        self._set("smlkit-busy", text)

    def clear(self) -> None:
        self.text = ""
        self.widget.value = '<div role="status" aria-live="polite"></div>'


def button(label: str, *, secondary: bool = False, name: str = "") -> widgets.Button:
    btn = styled(widgets.Button, description=label, tooltip=label)
    btn.add_class("smlkit-button")
    if secondary:
        btn.add_class("smlkit-secondary")
    if name:
        btn.add_class(f"smlkit-button-{name}")
    return btn


def set_secondary(btn: widgets.Button, secondary: bool) -> None:
    """Give ``btn`` the neutral style (a hiding or undoing action) or the positive one (green)."""
    if secondary:
        btn.add_class("smlkit-secondary")
    else:
        btn.remove_class("smlkit-secondary")


def guarded(action: Callable[..., Any], on_problem: Callable[[SmlkitError | None], None]) -> Callable[..., Any]:
    """Wrap a callback: a SmlkitError goes to ``on_problem``; anything else is logged and apologised for."""

    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return action(*args, **kwargs)
        except SmlkitError as exc:
            on_problem(exc)
        except Exception:
            log.exception("unexpected error in a dashboard callback")
            on_problem(None)
        return None

    return run


class Form:
    """Fields, an error summary above them and a save bar below.

    Saving is safe to retry: :attr:`attempt_id` stays the same across the retries of one
    save (use it to build ``save_id``s, so a save that is retried lands once) and changes
    after a save completes. When the store is busy or full, the form says so, keeps every
    field as typed, and tries again by itself a few times.
    """

    #: Seconds to wait before each automatic retry of a save the store could not take.
    RETRY_DELAYS: tuple[float, ...] = (2, 4, 8, 15, 30)

    def __init__(self, fields: Sequence[Field], save_label: str = "Save", name: str = "form"):
        self.fields = {f.name: f for f in fields}
        self.summary = ErrorSummary()
        self.status = StatusLine()
        self.save_button = button(save_label, name="save")
        actions = hbox([self.save_button, self.status.widget])
        actions.add_class("smlkit-actions")
        self.widget = vbox([self.summary.widget, *[f.box for f in fields], actions])
        self.widget.add_class("smlkit-form")
        self.widget.add_class(f"smlkit-form-{name}")
        self.attempt_id = uuid.uuid4().hex
        self._action: Callable[[], None] | None = None
        self._retry: threading.Timer | None = None
        self._lock = threading.Lock()

    def on_save(self, action: Callable[[], None]) -> None:
        """Run ``action`` on Save; validation errors land on their fields, other failures in the status."""
        self._action = action
        self.save_button.on_click(lambda _button: self.submit())

    def submit(self, retry: int = 0) -> None:
        """Run the save action now (also used by automatic retries)."""
        if self._action is None:
            return
        with self._lock:
            self._cancel_retry()
            self.save_button.disabled = True
            self.status.busy("Saving…")
            try:
                self._action()
            except StoreBusyError as exc:
                self._schedule_retry(exc, retry)
            except SmlkitError as exc:
                self.show_problem(exc)
            except Exception:
                log.exception("unexpected error while saving")
                self.show_problem(None)
            else:
                self.attempt_id = uuid.uuid4().hex
            finally:
                self.save_button.disabled = False

    def _schedule_retry(self, exc: StoreBusyError, retry: int) -> None:
        if retry >= len(self.RETRY_DELAYS):
            self.status.problem(
                "Still not saved: the store has been busy for a while. Everything you typed is still here; "
                "press Save to try again, and tell the facilitator if this keeps happening."
            )
            return
        delay = self.RETRY_DELAYS[retry]
        self.status.problem(
            f"Not saved yet: {exc.message.split(';')[0]}. Everything you typed is still here. "
            f"Trying again in {delay:g} seconds (or press Save)."
        )
        self._retry = threading.Timer(delay, self.submit, kwargs={"retry": retry + 1})
        self._retry.daemon = True
        self._retry.start()

    def _cancel_retry(self) -> None:
        if self._retry is not None:
            self._retry.cancel()
            self._retry = None

    @property
    def retry_pending(self) -> bool:
        return self._retry is not None and self._retry.is_alive()

    def clear_errors(self) -> None:
        self.summary.clear()
        for field in self.fields.values():
            field.set_error(None)

    def show_errors(self, errors: Sequence[ValidationError]) -> None:
        self.clear_errors()
        for err in errors:
            if err.field in self.fields:
                self.fields[err.field].set_error(err.message)
        self.summary.show([(e.field if e.field in self.fields else None, e.message) for e in errors])
        self.status.problem("Not saved yet: see the problem listed at the top of the form.")

    def show_problem(self, exc: SmlkitError | None) -> None:
        if isinstance(exc, ValidationError):
            self.show_errors([exc])
        elif exc is None:
            self.status.problem(APOLOGY)
        else:
            self.status.problem(f"Not saved: {exc.message}")
