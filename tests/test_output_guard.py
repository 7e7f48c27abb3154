"""A build writes only into a folder it may own: it refuses every other one and leaves it as it was, waits for
another build of the same folder, and when stopped or killed leaves no Pelican process and no staging folder."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from statusgen import cli, publish
from tests.conftest import BUILD_TIME, settled
from tests.test_publish import LATER, build, build_command, copy_project, snapshot, staging_has_files


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every entry under `folder` (folders too, as None) with its bytes: byte-for-byte what is there."""
    return {str(p.relative_to(folder)): (None if p.is_dir() else p.read_bytes()) for p in sorted(folder.rglob("*"))}


def run_build(site: Path, output: Path | str, *extra: str, home: Path | None = None):
    env = {"HOME": str(home)} if home else {}
    return CliRunner().invoke(cli.main, ["build", str(site), "-o", str(output), "--build-time", BUILD_TIME, *extra],
                              env=env)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A buildable site in a git repository: tmp/repo/status (the site), tmp/home (a stand-in home folder)."""
    repo = tmp_path / "repo"
    site = copy_project(repo / "status")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "notes.txt").write_text("keep me\n")
    return site


FORBIDDEN = [
    ("status", "it is the site folder"),
    ("status/content", "it is the content folder"),
    ("status/content/incidents", "it is inside the content folder"),
    ("status/theme", "it is the theme folder"),
    ("status/plugins", "it is the plugins folder"),
    (".", "it is the repository root"),
    ("..", "it holds the site folder ({site})"),
    ("../home", "it is your home folder"),
    ("../..", "it holds the site folder ({site})"),
]


@pytest.mark.parametrize("target, reason", FORBIDDEN, ids=[t for t, _ in FORBIDDEN])
@pytest.mark.parametrize("force", [False, True], ids=["", "force"])
def test_a_folder_the_build_reads_or_lives_in_is_refused_even_with_force(project, target, reason, force):
    repo = project.parent
    output = (repo / target).resolve()
    watched = repo.parent  # everything the test made: the repository, the home stand-in
    before = tree(watched)
    result = run_build(project, repo / target, *(["--force"] if force else []), home=repo.parent / "home")
    assert result.exit_code == 1
    reason = reason.format(site=project)
    assert result.output == (f"statusgen: refusing to build into {output}: {reason} (expected a folder of the "
                             f"site's own, such as output/; nothing was changed)\n")
    assert tree(watched) == before


CACHE_CLASHES = [
    ("status/output", "status/output/.cache", "it holds the cache folder ({cache})"),
    ("status/output", "status/output", "it is the cache folder"),
    ("status/.statusgen-cache/site", "status/.statusgen-cache", "it is inside the cache folder"),
]


@pytest.mark.build
@pytest.mark.parametrize("target, cache, reason", CACHE_CLASHES, ids=["holds", "is", "inside"])
def test_an_output_folder_that_is_holds_or_is_inside_the_cache_folder_is_refused(project, target, cache, reason):
    """Each build replaces its output folder whole: a cache inside it would be thrown away with the old site at every
    build (the build working, the cache never), and a site inside the cache would be pruned with it."""
    repo = project.parent
    output, kept = (repo / target).resolve(), (repo / cache).resolve()
    before = tree(repo.parent)
    result = run_build(project, repo / target, "--cache", str(repo / cache), "--force")
    assert result.exit_code == 1
    assert result.output == (f"statusgen: refusing to build into {output}: {reason.format(cache=kept)} (expected a "
                             f"folder of the site's own, such as output/; nothing was changed)\n")
    assert tree(repo.parent) == before
    assert run_build(project, repo / target, "--cache", str(repo / "elsewhere")).exit_code == 0


@pytest.mark.parametrize("target, reason", [("/", "it is the root of the file system"),
                                            ("/proc", "it is a mount point (build into a folder inside it)")])
def test_the_root_and_mount_points_are_refused(project, target, reason):
    if not os.path.ismount(target):
        pytest.skip(f"{target} is not a mount point here")
    result = run_build(project, target, "--force")
    assert result.exit_code == 1
    assert result.output == (f"statusgen: refusing to build into {target}: {reason} (expected a folder of the site's "
                             f"own, such as output/; nothing was changed)\n")


def test_a_file_is_not_an_output_folder(project):
    target = project.parent / "notes.txt"
    target.write_text("mine\n")
    result = run_build(project, target, "--force")
    assert result.exit_code == 1
    assert "it is not a folder" in result.output
    assert target.read_text() == "mine\n"


@pytest.mark.build
def test_a_non_empty_folder_statusgen_did_not_build_needs_force(project, tmp_path):
    foreign = tmp_path / "photos"
    (foreign / "2019").mkdir(parents=True)
    (foreign / "cat.jpg").write_bytes(b"\xff\xd8 a cat")
    before = tree(tmp_path)
    result = run_build(project, foreign)
    assert result.exit_code == 1
    assert result.output == (f"statusgen: refusing to build into {foreign}: it holds 2 files or folders that statusgen "
                             f"did not build (expected an empty folder or a site statusgen built; to delete them and "
                             f"build there, add --force)\n")
    assert tree(tmp_path) == before

    result = run_build(project, foreign, "--force")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"--force: {foreign} holds 2 files or folders that statusgen did not build; "
                                    f"they will be deleted when the new site is in place\n")
    assert (foreign / publish.MARKER).is_file() and (foreign / "index.html").is_file()
    assert not (foreign / "cat.jpg").exists()


@pytest.mark.build
@pytest.mark.parametrize("state", ["missing", "empty", "built"])
def test_a_missing_empty_or_statusgen_folder_is_built_into(project, tmp_path, state):
    output = tmp_path / "site-out"
    if state != "missing":
        output.mkdir()
    if state == "built":
        assert run_build(project, output).exit_code == 0
        (output / "stale.html").write_text("from an older build")
    result = run_build(project, output)
    assert result.exit_code == 0, result.output
    assert (output / publish.MARKER).read_text() == publish.MARKER_TEXT
    assert not (output / "stale.html").exists()


@pytest.mark.build
def test_leftovers_that_statusgen_did_not_mark_are_never_removed(project):
    """Only marked (or empty) staging and old folders are cleaned up: a user's folder with a similar name stays."""
    (project / ".output.building-mine").mkdir()
    (project / ".output.building-mine" / "keep.txt").write_text("mine")
    (project / ".output.old").mkdir()
    (project / ".output.old" / "keep.txt").write_text("mine too")
    assert run_build(project, project / "output").exit_code == 0
    assert (project / ".output.building-mine" / "keep.txt").read_text() == "mine"
    assert (project / ".output.old" / "keep.txt").read_text() == "mine too"


# --- a repository's data and other file systems: refused with or without --force -----------------------------

def refusal(output: Path, reason: str) -> str:
    return (f"statusgen: refusing to build into {output}: {reason} (expected a folder of the site's own, such as "
            f"output/; nothing was changed)\n")


def git(*args: str) -> None:
    subprocess.run(["git", *args], check=True, capture_output=True)


GIT_CASES = {
    # name: (how the folders around are made, the output, the reason)
    "the repository's .git": (lambda t: None, "repo/.git", "it is a git repository's data"),
    "inside .git": (lambda t: None, "repo/.git/objects", "it is inside a git repository's data ({t}/repo/.git)"),
    "a new folder inside .git": (lambda t: None, "repo/.git/site",
                                 "it is inside a git repository's data ({t}/repo/.git)"),
    "a bare repository": (lambda t: git("init", "-q", "--bare", str(t / "backup.git")), "backup.git",
                          "it is a git repository's data"),
    "inside a bare repository": (lambda t: git("init", "-q", "--bare", str(t / "backup.git")), "backup.git/hooks",
                                 "it is inside a git repository's data ({t}/backup.git)"),
    "a clone": (lambda t: git("init", "-q", str(t / "other")), "other",
                "it holds a git repository's data ({t}/other/.git)"),
    "a clone deep inside": (lambda t: git("init", "-q", str(t / "photos" / "2019" / "other")), "photos",
                            "it holds a git repository's data ({t}/photos/2019/other/.git)"),
    "a bare repository inside": (lambda t: git("init", "-q", "--bare", str(t / "photos" / "remote.git")), "photos",
                                 "it holds a git repository's data ({t}/photos/remote.git)"),
    "a worktree's .git file": (lambda t: (t / "wt").mkdir() or (t / "wt" / ".git").write_text("gitdir: /x\n"), "wt",
                               "it holds a git repository's data ({t}/wt/.git)"),
}


@pytest.mark.parametrize("case", list(GIT_CASES))
@pytest.mark.parametrize("force", [False, True], ids=["", "force"])
def test_a_repository_s_data_is_never_an_output_folder(project, case, force):
    """`-o repo/.git --force` once deleted a repository's history: .git, a bare repository, anything inside one or any
    folder holding one, however deep, is refused, and nothing is changed."""
    make, target, reason = GIT_CASES[case]
    top = project.parent.parent
    make(top)
    output = (top / target).resolve()
    before = tree(top)
    result = run_build(project, top / target, *(["--force"] if force else []))
    assert result.exit_code == 1, result.output
    assert result.output == refusal(output, reason.format(t=top))
    assert tree(top) == before


@pytest.mark.build
def test_a_site_statusgen_built_is_refused_once_it_holds_a_repository(project, tmp_path):
    """A site's folder made a clone after it was built (to push it somewhere by hand) is not replaced: the build
    would take the clone's history with the old site."""
    output = tmp_path / "site-out"
    assert run_build(project, output).exit_code == 0
    git("init", "-q", str(output))
    before = tree(tmp_path)
    result = run_build(project, output)
    assert result.exit_code == 1
    assert result.output == refusal(output, f"it holds a git repository's data ({output}/.git)")
    assert tree(tmp_path) == before


@pytest.fixture
def mount(tmp_path):
    """Mount a tmpfs (or bind a folder, with `--bind FOLDER`) at a folder under tmp_path, unmounted after the test;
    skips where this process may not mount."""
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a file system needs root and the mount command (run as root to test the mount cases)")
    made: list[Path] = []

    def mount(where: Path, *how: str) -> Path:
        where.mkdir(parents=True, exist_ok=True)
        args = list(how) or ["-t", "tmpfs", "statusgen-test"]
        done = subprocess.run(["mount", *args, str(where)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"this machine does not let the test mount a file system ({done.stderr.strip()})")
        made.append(where)
        return where

    yield mount
    for where in reversed(made):
        subprocess.run(["umount", "-l", str(where)], check=False)


MOUNT_CASES = {
    # name: (where the output is, where the mount is, both under tmp_path)
    "a tmpfs in the folder": ("photos", "photos/usb"),
    "a tmpfs deep inside": ("photos", "photos/2019/summer/usb"),
    "a tmpfs in a site statusgen built": ("site-out", "site-out/incidents/usb"),
}


@pytest.mark.build
@pytest.mark.parametrize("case", list(MOUNT_CASES))
@pytest.mark.parametrize("force", [False, True], ids=["", "force"])
def test_a_folder_holding_another_file_system_is_refused(project, tmp_path, mount, case, force):
    """--force once deleted the files of a file system mounted inside the output: the whole tree is looked at before
    anything is moved, and nothing is changed on either file system."""
    target, where = MOUNT_CASES[case]
    output = tmp_path / target
    if target == "site-out":
        assert run_build(project, output).exit_code == 0
    mounted = mount(tmp_path / where)
    (mounted / "keep.txt").write_text("on another file system\n")
    before = tree(tmp_path)
    result = run_build(project, output, *(["--force"] if force else []))
    assert result.exit_code == 1, result.output
    assert result.output == refusal(output, f"it holds a mount point ({mounted})")
    assert tree(tmp_path) == before


@pytest.mark.parametrize("force", [False, True], ids=["", "force"])
def test_a_bind_mount_of_a_folder_on_the_same_file_system_is_refused(project, tmp_path, mount, force):
    """A bind mount has the device of the folder around it: mountinfo, not the device, tells it apart."""
    elsewhere = tmp_path / "documents"
    elsewhere.mkdir()
    (elsewhere / "taxes.txt").write_text("mine\n")
    output = tmp_path / "photos"
    mounted = mount(output / "docs", "--bind", str(elsewhere))
    before = tree(tmp_path)
    result = run_build(project, output, *(["--force"] if force else []))
    assert result.exit_code == 1, result.output
    assert result.output == refusal(output, f"it holds a mount point ({mounted})")
    assert tree(tmp_path) == before


@pytest.mark.parametrize("how", ["tmpfs", "bind"])
def test_a_delete_never_crosses_into_another_file_system(tmp_path, mount, how):
    """The second line, under the guard: what statusgen deletes (a replaced site, a staging folder, the cache's
    spare site) stops at a mount point and leaves what is behind it."""
    from statusgen.remove import remove_tree

    doomed = tmp_path / "old-site"
    (doomed / "incidents" / "a").mkdir(parents=True)
    (doomed / "incidents" / "a" / "index.html").write_text("old page")
    (doomed / "index.html").write_text("old home")
    (doomed / "link").symlink_to(tmp_path / "outside")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "x.txt").write_text("outside")
    if how == "tmpfs":
        mounted = mount(doomed / "incidents" / "usb")
        (mounted / "keep.txt").write_text("kept")
    else:
        (tmp_path / "documents").mkdir()
        (tmp_path / "documents" / "keep.txt").write_text("kept")
        mounted = mount(doomed / "incidents" / "usb", "--bind", str(tmp_path / "documents"))
    assert remove_tree(doomed) is False
    assert (mounted / "keep.txt").read_text() == "kept"
    assert sorted(str(p.relative_to(doomed)) for p in doomed.rglob("*")) == ["incidents", "incidents/usb",
                                                                             "incidents/usb/keep.txt"]
    assert (tmp_path / "outside" / "x.txt").read_text() == "outside"


def test_a_delete_of_a_folder_on_one_file_system_removes_all_of_it(tmp_path):
    from statusgen.remove import remove_tree

    doomed = tmp_path / "old-site"
    (doomed / "a" / "b").mkdir(parents=True)
    (doomed / "a" / "b" / "page.html").write_text("x")
    (doomed / "link").symlink_to(tmp_path)
    assert remove_tree(doomed) is True
    assert not doomed.exists() and tmp_path.is_dir()


# --- two builds, and stopping one --------------------------------------------------------------------------

def wait_for_pelican_writing(output: Path, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while not staging_has_files(output, set()) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert proc.poll() is None, "the build finished before Pelican was seen writing"


def children(pid: int) -> set[int]:
    """The processes `pid` started (Linux /proc), and theirs."""
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        try:
            kids = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        found |= {int(k) for k in kids}
        todo += [int(k) for k in kids]
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has stopped; only its exit status waits to be collected


def wait_gone(pids: set[int], seconds: float = 10) -> set[int]:
    deadline = time.monotonic() + seconds
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.02)
    return {p for p in pids if alive(p)}


needs_proc = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc to see processes")


@pytest.mark.build
@needs_proc
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=lambda s: s.name)
def test_a_stopped_build_takes_pelican_with_it(project, tmp_path, sig):
    output = project / "output"
    build(project, tmp_path / "first", BUILD_TIME)
    build(project, output, BUILD_TIME)
    proc = subprocess.Popen(build_command(project, output, LATER), cwd=project, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        wait_for_pelican_writing(output, proc)
        started = children(proc.pid)
        assert started, "no Pelican process seen"
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert wait_gone(started) == set(), "Pelican or its writers outlived the build"
    assert snapshot(output) == snapshot(tmp_path / "first")  # the published site as it was
    leftovers = sorted(p.name for p in settled(project).iterdir() if p.name.startswith(".output."))
    if sig == signal.SIGKILL:
        assert proc.returncode == -sig
        assert run_build(project, output).exit_code == 0  # and the next build clears what it left
        leftovers = sorted(p.name for p in settled(project).iterdir() if p.name.startswith(".output."))
    else:
        assert proc.returncode == 128 + sig, err
        assert err.endswith(f"stopped by signal {int(sig)}: nothing was replaced\n"), err
    assert leftovers == []


@pytest.mark.build
def test_ctrl_c_before_the_build_is_under_way_exits_130(project, tmp_path):
    """SIGINT while the settings are being read (here: a settings file that waits, having said it started) ends the
    command as a stop during the build does: 128 + 2, one line, no "Aborted!" and no traceback."""
    started = tmp_path / "reading-settings"
    with open(project / "pelicanconf.py", "a", encoding="utf-8") as settings:
        settings.write(f"\nimport pathlib, time\npathlib.Path({str(started)!r}).touch()\ntime.sleep(60)\n")
    output = tmp_path / "out"
    # As from a terminal: SIGINT at its default in the command, even when the tests run where it is ignored (a
    # job started in the background by a non-interactive shell), which Python would keep ignoring.
    proc = subprocess.Popen(build_command(project, output, LATER), cwd=project, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 60
        while not started.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert started.exists(), proc.communicate()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert (proc.returncode, out, err) == (130, "", "stopped by signal 2: nothing was replaced\n")
    assert not output.exists()


@pytest.mark.build
def test_a_second_build_into_the_same_folder_waits_for_the_first(project, tmp_path):
    """While one build holds the output's lock (held here, as a build in progress holds it), another waits and
    writes nothing; once the lock is free it runs, and the newer site is the one in place."""
    import fcntl

    output = project / "output"
    build(project, output, BUILD_TIME)
    first = snapshot(output)
    build(project, tmp_path / "later", LATER)
    fd = os.open(project, os.O_RDONLY)  # the lock of every output in this folder
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        second = subprocess.Popen(build_command(project, output, LATER), cwd=project, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            said = ""
            while "waiting for another build" not in said and time.monotonic() < deadline:
                said += second.stderr.readline()
            time.sleep(1)  # long enough to build if it did not wait
            assert second.poll() is None, "the second build did not wait"
            assert snapshot(output) == first
            assert not list(project.glob(".output.building-*")), "it began building while the lock was held"
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
        out, err = second.communicate(timeout=120)
    finally:
        os.close(fd)
        if second.poll() is None:
            second.kill()
            second.wait()
    assert second.returncode == 0, err
    assert said.strip() == f"waiting for another build of {output} to finish"
    assert snapshot(output) == snapshot(tmp_path / "later")
