import base64
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from haven.lib.env import (
    development_secret,
    env_bool,
    env_choice,
    env_int,
    env_list,
    new_encryption_key,
    parse_encryption_keys,
)

KEY = base64.b64encode(b"k" * 32).decode()


class TestEnvBool:
    @pytest.mark.parametrize("value", ["1", "true", "True", "yes", "on"])
    def test_it_reads_true(self, value):
        assert env_bool("X", False, environ={"X": value}) is True

    @pytest.mark.parametrize("value", ["0", "false", "no", "off", ""])
    def test_it_reads_false(self, value):
        assert env_bool("X", True, environ={"X": value}) is False

    def test_it_uses_the_default(self):
        assert env_bool("X", True, environ={}) is True

    def test_it_refuses_nonsense_naming_the_variable(self):
        with pytest.raises(
            ImproperlyConfigured, match="HAVEN_DEBUG: expected true or false, got 'maybe'"
        ):
            env_bool("HAVEN_DEBUG", False, environ={"HAVEN_DEBUG": "maybe"})


class TestEnvInt:
    def test_it_reads_a_number(self):
        assert env_int("X", 5, minimum=1, maximum=10, environ={"X": " 7 "}) == 7

    def test_it_refuses_words(self):
        with pytest.raises(ImproperlyConfigured, match="X: expected a whole number"):
            env_int("X", 5, minimum=1, maximum=10, environ={"X": "ten"})

    def test_it_refuses_out_of_range(self):
        with pytest.raises(ImproperlyConfigured, match="X: must be between 1 and 10, got 11"):
            env_int("X", 5, minimum=1, maximum=10, environ={"X": "11"})


def test_env_list_splits_and_trims():
    assert env_list("X", [], environ={"X": "a.org, b.org,,"}) == ["a.org", "b.org"]
    assert env_list("X", ["d"], environ={}) == ["d"]


def test_env_choice_refuses_unknown_values():
    assert env_choice("L", "vi", ["vi", "en"], environ={"L": "en"}) == "en"
    with pytest.raises(ImproperlyConfigured, match="L: must be one of vi, en, got 'fr'"):
        env_choice("L", "vi", ["vi", "en"], environ={"L": "fr"})


class TestEncryptionKeys:
    def test_it_reads_keys_in_order(self):
        other = base64.b64encode(b"o" * 32).decode()
        keys = parse_encryption_keys("K", f"new:{KEY}, old:{other}")
        assert keys == [("new", b"k" * 32), ("old", b"o" * 32)]

    def test_a_new_key_parses(self):
        [(key_id, key)] = parse_encryption_keys("K", new_encryption_key("k1"))
        assert key_id == "k1" and len(key) == 32

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("", "at least one key"),
            (KEY, "ID:BASE64"),
            (f"bad id:{KEY}", "ID:BASE64"),
            ("k1:not-base64!", "not valid base64"),
            (f"k1:{base64.b64encode(b'short').decode()}", "must be 32 bytes"),
            (f"k1:{KEY},k1:{KEY}", "appears twice"),
        ],
    )
    def test_it_refuses_bad_keys(self, value, message):
        with pytest.raises(ImproperlyConfigured, match=f"HAVEN_ENCRYPTION_KEYS: .*{message}"):
            parse_encryption_keys("HAVEN_ENCRYPTION_KEYS", value)


class TestDevelopmentSecret:
    def test_it_is_made_once(self, tmp_path):
        path = tmp_path / "sub" / "secret"
        first = development_secret(path, lambda: "one")
        second = development_secret(path, lambda: "two")
        assert first == second == "one"
        assert oct(path.stat().st_mode & 0o777) == "0o600"

    def test_racing_processes_agree(self, tmp_path):
        path = tmp_path / "secret"
        code = (
            "import secrets, sys; from pathlib import Path; from haven.lib.env import development_secret; "
            f"print(development_secret(Path({str(path)!r}), lambda: secrets.token_hex(8)))"
        )
        processes = [
            subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
            for _ in range(6)
        ]
        values = {process.communicate()[0].strip() for process in processes}
        assert len(values) == 1 and values != {""}
        assert [p.name for p in tmp_path.iterdir()] == ["secret"]

    def test_an_empty_file_is_refused(self, tmp_path):
        path = tmp_path / "secret"
        path.write_text("")
        with pytest.raises(ImproperlyConfigured, match="is empty"):
            development_secret(path, lambda: "x")


def test_environment_is_not_leaked_between_tests():
    assert os.environ.get("HAVEN_DEBUG") == "true"
