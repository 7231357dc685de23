"""The signing key: EHC_SECRET_KEY when set; otherwise made once, kept in the state directory (mode 0600) and
the same after a restart, so links already sent keep working."""

from __future__ import annotations

import stat

from config.secret_key import KEY_FILE, secret_key
from config.settings import Settings


def test_without_a_setting_one_key_is_made_kept_private_and_read_again_after_a_restart(tmp_path):
    first = secret_key(Settings(state_dir=tmp_path))
    again = secret_key(Settings(state_dir=tmp_path))
    assert first == again and len(first) >= 48
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600
    assert [path.name for path in tmp_path.iterdir()] == [KEY_FILE]  # nothing left from making it


def test_the_setting_wins_and_no_file_is_made(tmp_path):
    assert secret_key(Settings(state_dir=tmp_path, secret_key="from-the-environment")) == b"from-the-environment"
    assert not (tmp_path / KEY_FILE).exists()
