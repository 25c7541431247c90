"""The player page is plain JavaScript shared with the TypeScript app; these tests run its pure
functions in Node (which the CDK CLI needs anyway) and check the answers from Python."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

PLAYER = Path(__file__).resolve().parent.parent / "site" / "player.js"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="the player is JavaScript; Node runs it")


def run_player(expression: str) -> Any:
    """Evaluates a JavaScript expression next to player.js's exports and returns its JSON value."""
    script = PLAYER.read_text() + f"\nprocess.stdout.write(JSON.stringify(await (async () => {{ {expression} }})()));\n"
    result = subprocess.run(["node", "--input-type=module", "-"], input=script, capture_output=True, text=True, check=True, timeout=60)
    return json.loads(result.stdout)


def refusal(config: Any) -> str | None:
    call = f"try {{ parseConfig({json.dumps(config)}); return null; }} catch (error) {{ return error.message; }}"
    return run_player(call)


def test_accepts_the_mediapackage_v1_manifest_path_the_stack_writes() -> None:
    path = "/out/v1/0123456789abcdef0123456789abcdef/index.m3u8"
    assert run_player(f"return parseConfig({json.dumps({'manifestPath': path})})") == {"manifestPath": path}


def test_refuses_anything_that_would_make_the_player_fetch_from_elsewhere() -> None:
    for value in [
        None,
        {},
        {"manifestPath": 42},
        {"manifestPath": "https://evil.example/out/v1/abc/index.m3u8"},
        {"manifestPath": "//evil.example/out/v1/abc/index.m3u8"},
        {"manifestPath": "/out/v1/../../index.m3u8"},
        {"manifestPath": "/out/v1/abc/index.mpd"},
    ]:
        message = refusal(value)
        assert message is not None and "manifest path" in message, value


def test_treats_2xx_as_live_and_a_missing_manifest_as_waiting() -> None:
    assert run_player("return [200, 404, 403, 500, 502].map(streamState)") == ["live", "waiting", "waiting", "failed", "failed"]


def test_tells_the_viewer_what_to_do_in_each_case() -> None:
    waiting, live, live_without_hls, failed = run_player(
        "return [statusMessage('waiting', true), statusMessage('live', true), statusMessage('live', false), statusMessage('failed', true)]"
    )
    assert "Start the MediaLive channel" in waiting
    assert live == "Live."
    assert "cannot play HLS by itself" in live_without_hls
    assert "error" in failed


def test_reads_can_play_type_answers() -> None:
    assert run_player("return ['probably', 'maybe', ''].map(canPlayHlsNatively)") == [True, True, False]


def test_doubles_from_two_seconds_and_stops_at_thirty() -> None:
    assert run_player("return [0, 1, 2, 3, 4, 10, -1].map(retryDelayMs)") == [2000, 4000, 8000, 16000, 30000, 30000, 2000]
