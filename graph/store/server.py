"""A local Neo4j Community server, provisioned from Maven Central and run by the project.

These machines have no Docker engine and cannot reach neo4j.com, but Maven Central
carries the server as jars (``org.neo4j:neo4j`` + ``org.neo4j.app:neo4j-server``). The
jars are fetched once with ``mvn dependency:copy-dependencies`` into ``$AIM_HOME/neo4j/lib``
(showing each download, ``maven.py``) and reused; the server is started the way Neo4j's own launcher starts it,
``java -cp lib/*:plugins/* org.neo4j.server.CommunityEntryPoint``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable

from aim.settings import Settings

from .maven import run_maven

ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
INITIAL_PASSWORD = "neo4j"
# Flags Neo4j's own launcher passes on Java 17 (see its default neo4j.conf).
JVM_FLAGS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    # A young generation of at least half the heap: under load G1 shrank it to ~170 MB, and
    # each of its many collections copied the open write transaction's state again (GC
    # threads 7.8–8.2 → 2.0–2.4 CPU s per 100,000 ingested rows, docs/benchmarks.md's Ingest).
    "-XX:G1NewSizePercent=50",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
]


class Neo4jServerError(RuntimeError):
    """The local server could not be provisioned, started or stopped; the message says why."""


@dataclass
class ServerStatus:
    running: bool
    pid: int | None
    bolt_uri: str | None
    version: str
    home: Path

    def describe(self) -> str:
        if self.running:
            return f"Neo4j {self.version} running (pid {self.pid}) at {self.bolt_uri}; home {self.home}"
        return f"Neo4j {self.version} not running; home {self.home}"


class LocalNeo4j:
    """Provision, start, stop and reset the project's own Neo4j under ``settings.neo4j_home``."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.home = settings.neo4j_home
        self.version = settings.neo4j_version
        self.lib = self.home / "lib" / self.version
        self.plugins = self.home / "plugins" / f"apoc-{settings.apoc_version}-gds-{settings.gds_version}"
        self.conf_dir = self.home / "conf"
        self.data = self.home / "data"
        self.logs = self.home / "logs"
        self.state_file = self.home / "state.json"

    # -- provisioning -------------------------------------------------------------------

    def _require(self, tool: str, hint: str) -> str:
        path = shutil.which(tool)
        if not path:
            raise Neo4jServerError(f"`{tool}` was not found on PATH. {hint}")
        return path

    def java(self) -> str:
        java_home = os.environ.get("JAVA_HOME")
        if java_home and (Path(java_home) / "bin" / "java").exists():
            return str(Path(java_home) / "bin" / "java")
        return self._require("java", "Install a JDK 17 or newer (Debian: apt-get install openjdk-17-jre-headless).")

    def install(self) -> None:
        """Fetch the server and plugin jars once; later calls reuse them."""
        marker = self.plugins / ".complete"
        if (self.lib / ".complete").exists() and marker.exists():
            return
        mvn = self._require("mvn", "Install Maven (Debian: apt-get install maven); it fetches Neo4j from Maven Central.")
        self.java()
        pom = resources.files("aim.graph.store").joinpath("neo4j/pom.xml")
        with tempfile.TemporaryDirectory() as build:
            # Maven writes beside the pom: build in a scratch copy, not in the package.
            (Path(build) / "pom.xml").write_bytes(pom.read_bytes())
            cmd = [
                mvn, "-B", "-f", str(Path(build) / "pom.xml"), "package",
                f"-Dneo4j.version={self.version}",
                f"-Dapoc.version={self.settings.apoc_version}",
                f"-Dgds.version={self.settings.gds_version}",
                f"-Daim.lib={self.lib}",
                f"-Daim.plugins={self.plugins}",
            ]
            code, output = run_maven(cmd, build)
        if code != 0:
            raise Neo4jServerError("Maven could not fetch Neo4j from Maven Central:\n" + output[-3000:])
        (self.lib / ".complete").write_text(self.version)
        marker.write_text(self.version)

    # -- configuration ------------------------------------------------------------------

    def _write_config(self, port: int) -> None:
        for folder in (self.conf_dir, self.data, self.logs, self.plugins, self.home / "run"):
            folder.mkdir(parents=True, exist_ok=True)
        s = self.settings
        lines = {
            "server.default_listen_address": "127.0.0.1",
            "server.bolt.enabled": "true",
            "server.bolt.listen_address": f"127.0.0.1:{port}",
            "server.http.enabled": "false",
            "server.https.enabled": "false",
            "dbms.security.auth_enabled": "true",
            "server.memory.heap.initial_size": s.neo4j_heap,
            "server.memory.heap.max_size": s.neo4j_heap,
            "server.memory.pagecache.size": s.neo4j_pagecache,
            "db.tx_log.rotation.retention_policy": "100M size",
            # Bolt keep-alive: the server tells drivers to give up on a connection silent for
            # keep_alive x probes (the default is 120 s, so a partitioned API request hung for
            # 2 minutes); it sends NOOPs during long queries, so those are not cut short.
            "server.bolt.connection_keep_alive": "5s",
            "server.bolt.connection_keep_alive_probes": "2",
            "server.bolt.connection_keep_alive_streaming_scheduling_interval": "1s",
            "dbms.security.procedures.unrestricted": "apoc.*,gds.*",
            "server.directories.data": str(self.data),
            "server.directories.logs": str(self.logs),
            "server.directories.plugins": str(self.plugins),
            "server.directories.run": str(self.home / "run"),
            "server.directories.import": str(self.home / "import"),
        }
        text = "# Written by `aim db start`; edit AIM_NEO4J_* settings instead.\n"
        text += "".join(f"{key}={value}\n" for key, value in lines.items())
        (self.conf_dir / "neo4j.conf").write_text(text)

    @staticmethod
    def _port_free(port: int) -> bool:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                return False
        return True

    def _choose_port(self) -> int:
        """The port used last time (so clients keep working across restarts), else the
        configured one, else any free port."""
        last = self.home / "last_port"
        candidates = [int(last.read_text())] if last.exists() else []
        candidates.append(self.settings.neo4j_port)
        port = next((p for p in candidates if self._port_free(p)), None) or self._free_port()
        last.write_text(str(port))
        return port

    @staticmethod
    def _free_port() -> int:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    # -- lifecycle ----------------------------------------------------------------------

    def _state(self) -> dict | None:
        if not self.state_file.exists():
            return None
        return json.loads(self.state_file.read_text())

    @staticmethod
    def _alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        # A zombie child still answers kill(0); /proc tells it apart.
        stat = Path(f"/proc/{pid}/stat")
        return not (stat.exists() and stat.read_text().split()[2] == "Z")

    def status(self) -> ServerStatus:
        state = self._state()
        if state and self._alive(state["pid"]):
            return ServerStatus(True, state["pid"], f"bolt://127.0.0.1:{state['bolt_port']}", self.version, self.home)
        return ServerStatus(False, None, None, self.version, self.home)

    def start(self, timeout: float = 180.0) -> ServerStatus:
        """Start the server unless it runs already; return once Bolt answers."""
        current = self.status()
        if current.running:
            return current
        self.install()
        port = self._choose_port()
        self._write_config(port)
        classpath = f"{self.lib}/*:{self.plugins}/*"
        heap = self.settings.neo4j_heap
        cmd = [
            self.java(), f"-Xms{heap}", f"-Xmx{heap}", *JVM_FLAGS, "-cp", classpath, ENTRY_POINT,
            f"--home-dir={self.home}", f"--config-dir={self.conf_dir}",
        ]
        console = open(self.logs / "console.log", "ab")  # noqa: SIM115 - handed to the child
        process = subprocess.Popen(
            cmd, stdout=console, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, cwd=self.home,
        )
        self.state_file.write_text(json.dumps({"pid": process.pid, "bolt_port": port, "version": self.version}))
        self._wait_for_bolt(process, port, timeout)
        return self.status()

    def _wait_for_bolt(self, process: subprocess.Popen, port: int, timeout: float) -> None:
        uri = f"bolt://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                self.state_file.unlink(missing_ok=True)
                tail = (self.logs / "console.log").read_text(errors="replace")[-3000:]
                raise Neo4jServerError(f"Neo4j exited with code {process.returncode}:\n{tail}")
            try:
                self._ensure_password(uri)
                return
            except ServiceUnavailable:
                time.sleep(0.5)
        self.stop()
        raise Neo4jServerError(f"Neo4j did not answer on {uri} within {timeout:.0f} s; see {self.logs}")

    def _ensure_password(self, uri: str) -> None:
        """Replace the server's initial password with the configured one, once."""
        password = self.settings.neo4j_password.get_secret_value()
        user = self.settings.neo4j_user
        try:
            with GraphDatabase.driver(uri, auth=(user, password)) as driver:
                driver.verify_connectivity()
            return
        except AuthError:
            pass
        with GraphDatabase.driver(uri, auth=(user, INITIAL_PASSWORD)) as driver:
            driver.execute_query(
                "ALTER CURRENT USER SET PASSWORD FROM $old TO $new",
                old=INITIAL_PASSWORD, new=password, database_="system",
            )

    def stop(self, timeout: float = 60.0) -> bool:
        """Stop the server if it runs; True when something was stopped."""
        state = self._state()
        if not state:
            return False
        pid = state["pid"]
        stopped = False
        if self._alive(pid):
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while self._alive(pid) and time.monotonic() < deadline:
                time.sleep(0.2)
            if self._alive(pid):
                os.kill(pid, signal.SIGKILL)
            stopped = True
        self._reap(pid)
        self.state_file.unlink(missing_ok=True)
        return stopped

    def kill(self) -> None:
        """Kill the server abruptly, as a crash would (used by fault tests)."""
        state = self._state()
        if state and self._alive(state["pid"]):
            os.kill(state["pid"], signal.SIGKILL)
            while self._alive(state["pid"]):
                time.sleep(0.1)
            self._reap(state["pid"])

    @staticmethod
    def _reap(pid: int) -> None:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass

    def reset(self) -> ServerStatus:
        """Stop, delete every database file, and start afresh (the downloads are kept)."""
        self.stop()
        shutil.rmtree(self.data, ignore_errors=True)
        return self.start()
