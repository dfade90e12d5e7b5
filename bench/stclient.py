"""A participant without a browser: Streamlit's own WebSocket protocol, spoken the way its
frontend speaks it, so that the server does exactly the script runs a browser would cause.

Why not a browser: fifty Chromium processes need far more than this machine's two cores, and
then the figures measure the browsers, not the server. What this client does, as the frontend
does (streamlit/frontend, WidgetStateManager and ConnectionManager): load the page over HTTP
(which also picks up a load balancer's sticky cookie), open /_stcore/stream with the
"streamlit" subprotocol, send a BackMsg `rerun_script` with the query string, the page and the
value of every widget on the page, apply the ForwardMsgs (`new_session` starts a run, `delta`s
build the page, `page_info_changed` rewrites the query string, `script_finished` ends the run),
keep cacheable messages and report their hashes, and send a button press as a one-off trigger.
The app's one custom component, the browser-storage bridge (app_pages/browser_store.py), is
answered as its JavaScript would answer it, against a `storage` dict that stands for the
browser's localStorage (shared by every tab of one "browser"), so the participant's key,
consent and answers survive a reload or a failover as they do in Chromium.
What it does not do: render, run other components, or send heartbeats (a run never lasts that long).

Used by bench/load.py (figures) and the tests (memory soak, two servers behind a balancer).
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

BRIDGE = "guidecheck_browser_store"  # app_pages/browser_store.py's component
WIDGETS = ("radio", "checkbox", "button", "multiselect", "number_input", "text_area", "text_input")
DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
        ForwardMsg.FINISHED_WITH_COMPILE_ERROR)


class Disconnected(ConnectionError):
    """The server went away in the middle of a run (or before it)."""


@dataclass
class Element:
    kind: str
    proto: object  # the element's own message (Radio, Checkbox, Button, Markdown, ...)
    fragment: str = ""  # the st.fragment it belongs to: changing it reruns only that fragment

    @property
    def id(self) -> str:
        return getattr(self.proto, "id", "")

    @property
    def label(self) -> str:
        return getattr(self.proto, "label", "") or getattr(self.proto, "body", "")


@dataclass
class Session:
    """One browser tab's worth of Streamlit session."""

    base: str  # http://host:port
    query: str  # "study=CODE&p=..."
    timeout: float = 60.0
    elements: dict = field(default_factory=dict)  # delta path -> Element, for the current run
    states: dict = field(default_factory=dict)  # widget id -> WidgetState (every widget on the page)
    cache: dict = field(default_factory=dict)  # hash -> cacheable ForwardMsg
    cookie: str = ""
    page_hash: str = ""
    runs: int = 0
    server: str = ""  # the balancer's cookie value, when there is one: which server answered
    load_s: float = 0.0  # the page load (HTTP, WebSocket, first run), set by participant()
    reconnects: int = 0
    storage: dict = field(default_factory=dict)  # this "browser's" localStorage: key -> text
    _bridged: dict = field(default_factory=dict)  # component id -> the data it last acted on

    async def open(self) -> float:
        """Load the page and run the script once; the seconds it took."""
        start = time.perf_counter()
        self.cookie = await asyncio.to_thread(self._load_page)
        ws_url = "ws" + self.base[len("http"):] + "/_stcore/stream"
        headers = {"Cookie": self.cookie} if self.cookie else None
        try:
            self.ws = await connect(ws_url, subprotocols=["streamlit"], additional_headers=headers, max_size=None,
                                    open_timeout=self.timeout, ping_interval=None)
        except Exception as exc:  # noqa: BLE001 - any failure to connect (refused, timeout, bad handshake)
            raise Disconnected(str(exc)) from exc
        self._finished = asyncio.Event()
        self._status = None
        self._bridged = {}  # a new page: the component's function runs again
        self._reader = asyncio.create_task(self._read())
        await self._rerun()
        return time.perf_counter() - start

    def _load_page(self) -> str:
        request = urllib.request.Request(f"{self.base}/?{self.query}",
                                         headers={"Cookie": self.cookie} if self.cookie else {})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
                cookies = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or []]
        except OSError as exc:
            raise Disconnected(str(exc)) from exc
        jar = dict(c.split("=", 1) for c in ([self.cookie] if self.cookie else []) + cookies if "=" in c)
        self.server = jar.get("GCSERVER", "")
        return "; ".join(f"{k}={v}" for k, v in jar.items())

    async def close(self) -> None:
        if getattr(self, "ws", None) is not None:
            await self.ws.close()
            self._reader.cancel()
            self.ws = None

    # ------------------------------------------------------------------ protocol

    async def _read(self) -> None:
        try:
            async for data in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self._apply(msg)
        except Exception:  # noqa: BLE001 - a dropped connection: the waiting run sees it
            pass
        self._status = "disconnected"
        self._finished.set()

    def _apply(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":  # the frontend swaps in the cached message, keeping the reference's path
            cached = ForwardMsg()
            cached.CopyFrom(self.cache[msg.ref_hash])
            cached.metadata.CopyFrom(msg.metadata)
            msg, kind = cached, cached.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash:
            self.cache[msg.hash] = msg
        if kind == "new_session":
            fragments = set(msg.metadata.run.fragment_ids)
            # a fragment's run replaces only that fragment's elements, a full run everything
            self.elements = {p: e for p, e in self.elements.items() if fragments and e.fragment not in fragments}
            self.page_hash = msg.new_session.page_script_hash
        elif kind == "delta":
            path = tuple(msg.metadata.delta_path)
            delta = msg.delta
            if delta.WhichOneof("type") == "new_element":
                element = delta.new_element
                which = element.WhichOneof("type")
                self.elements[path] = Element(which, getattr(element, which), delta.fragment_id)
                self._mounted(self.elements[path])
            elif delta.WhichOneof("type") == "add_block":
                self.elements[path] = Element("block", delta.add_block, delta.fragment_id)
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "script_finished" and msg.script_finished in DONE:
            self._status = msg.script_finished
            self._finished.set()

    def _mounted(self, element: Element) -> None:
        """A widget the frontend draws with a value of its own (a default, or an answer the page
        brought back) holds that value from then on, and sends it with every rerun."""
        proto = element.proto
        if element.id in self.states:
            return
        if element.kind == "radio" and proto.HasField("default") and 0 <= proto.default < len(proto.options):
            self.states[element.id] = WidgetState(id=element.id, string_value=proto.options[proto.default])
        elif element.kind == "checkbox" and proto.default:
            self.states[element.id] = WidgetState(id=element.id, bool_value=True)

    async def _rerun(self, trigger: WidgetState | None = None, fragment: str = "") -> None:
        back = BackMsg()
        state = back.rerun_script
        state.fragment_id = fragment
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-US"
        state.context_info.url = f"{self.base}/?{self.query}"
        for value in self.states.values():
            state.widget_states.widgets.append(value)
        if trigger is not None:
            state.widget_states.widgets.append(trigger)
        state.cached_message_hashes.extend(self.cache)
        self._finished.clear()
        self._status = None
        try:
            await self.ws.send(back.SerializeToString())
            await asyncio.wait_for(self._finished.wait(), self.timeout)
        except Exception as exc:  # noqa: BLE001 - closed socket, timeout: the run did not finish
            raise Disconnected(str(exc)) from exc
        if self._status == "disconnected":
            raise Disconnected("the server closed the connection")
        if self._status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            raise RuntimeError("the page did not compile")
        self.runs += 1
        # the frontend forgets the state of widgets no longer on the page
        if not fragment:
            present = {e.id for e in self.elements.values() if e.kind in WIDGETS}
            self.states = {k: v for k, v in self.states.items() if k in present}
        answer = self._storage_bridge()
        if answer is not None:  # the bridge reported what the storage holds: a run of its own
            await self._rerun(*answer)

    def _storage_bridge(self):
        """Do what app_pages/browser_store.py's JavaScript does when its data changes: write or
        remove this study's entry, and, until the page says it has read it, report what the storage
        holds as the trigger value "stored". Returns (trigger, fragment) for that report, or None."""
        for element in list(self.elements.values()):
            if element.kind != "bidi_component" or not element.proto.component_name.endswith(BRIDGE):
                continue
            if self._bridged.get(element.id) == element.proto.json:
                continue  # the browser calls the component's function again only when its data changes
            self._bridged[element.id] = element.proto.json
            data = json.loads(element.proto.json or "{}")
            key = "guidecheck:" + str(data.get("name"))
            if data.get("clear"):
                self.storage.pop(key, None)
            elif isinstance(data.get("save"), str) and data["save"]:
                self.storage[key] = data["save"]
            if not data.get("loaded"):
                payload = [{"event": "stored", "value": self.storage.get(key, "")}]
                trigger = WidgetState(id=f"$$STREAMLIT_INTERNAL_KEY_{element.id}__events",
                                      json_trigger_value=json.dumps(payload))
                return trigger, element.fragment
        return None

    # ------------------------------------------------------------------ what a person does

    def widgets(self, kind: str) -> list[Element]:
        return [e for _, e in sorted(self.elements.items()) if e.kind == kind]

    def texts(self) -> str:
        parts = []
        for e in self.elements.values():
            for name in ("body", "label"):
                parts.append(getattr(e.proto, name, "") if isinstance(getattr(e.proto, name, ""), str) else "")
        return "\n".join(parts)

    def value(self, element: Element):
        state = self.states.get(element.id)
        return None if state is None else getattr(state, state.WhichOneof("value"))

    async def set(self, element: Element, value) -> float:
        """Change a widget's value (the frontend then reruns the script); seconds to the finished run."""
        state = WidgetState(id=element.id)
        if element.kind == "radio":
            state.string_value = value
        elif element.kind == "checkbox":
            state.bool_value = bool(value)
        else:
            raise ValueError(f"not supported here: {element.kind}")
        self.states[element.id] = state
        start = time.perf_counter()
        await self._rerun(fragment=element.fragment)
        return time.perf_counter() - start

    async def click(self, element: Element) -> float:
        start = time.perf_counter()
        await self._rerun(WidgetState(id=element.id, trigger_value=True), fragment=element.fragment)
        return time.perf_counter() - start


async def participant(base: str, query: str, *, think: float = 0.0, answers: list[float] | None = None,
                      rng: random.Random | None = None, timeout: float = 60.0, max_steps: int = 400,
                      retries: int = 0, storage: dict | None = None) -> Session:
    """Go through a study page as a person would: consent, start, answer every question shown (a
    random option, after `think` seconds on average), send, and stop at the thanks (a page without
    widgets). The seconds each answer took are appended to `answers`. Returns the session.

    With `retries`, a lost connection is followed by a new one, as the browser's reconnect does:
    the same URL and cookie, and a new session on whichever server the balancer picks. Widget
    values are not carried over (Chromium on Streamlit 1.67 shows the new session's page with
    nothing ticked); what the page kept in `storage` (this browser's localStorage, a fresh one when
    None) is, as in the browser: the participant's key, consent and answers."""
    rng = rng or random.Random()
    answers = answers if answers is not None else []
    session = Session(base, query, timeout=timeout, storage={} if storage is None else storage)
    session.load_s = await _again(session, session.open, retries)
    for _ in range(max_steps):
        if think:
            await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
        radios, boxes = session.widgets("radio"), session.widgets("checkbox")
        buttons = [b for b in session.widgets("button") if not b.proto.disabled]
        if not session.widgets("button") and all(session.value(r) is not None for r in radios) \
                and all(session.value(b) for b in boxes):
            return session  # thanks (its only widget is the crisis box's country choice, already set)
        open_radios = [r for r in radios if session.value(r) is None]
        unticked = [b for b in boxes if not session.value(b)]
        if unticked:
            step = session.set(unticked[0], True)
        elif open_radios:
            step = session.set(open_radios[0], rng.choice(list(open_radios[0].proto.options)))
        elif buttons:
            step = session.click(buttons[-1])  # Start, then Send (the last button on the page)
        else:
            raise RuntimeError("stuck: nothing left to do on the page\n" + session.texts()[:2000])
        took = await _again(session, lambda step=step: step, retries)
        if (unticked or open_radios) and took == took:  # not NaN: a run that finished
            answers.append(took)
    raise RuntimeError(f"no thanks after {max_steps} steps\n" + session.texts()[:2000])


async def _again(session: Session, step, retries: int):
    """Run one step; on a lost connection reconnect (up to `retries` times) and give up the step:
    the page drawn after reconnecting decides what to do next, as it would for a person."""
    try:
        return await step()
    except Disconnected:
        for attempt in range(retries):
            await session.close()
            await asyncio.sleep(0.5 + 0.5 * attempt)
            session.reconnects += 1
            session.states = {}
            try:
                await session.open()
                return float("nan")
            except Disconnected:
                continue
        raise


def query(study: str, **more) -> str:
    return urllib.parse.urlencode({"study": study, **more})
