"""Connected components of the linked pairs, for the engine's clustering step: GDS in
the graph (weakly connected components), networkx, or scipy in process. The engine's
guard then works on those components, so every backend gives the same clusters."""

from __future__ import annotations

import uuid

import numpy as np
from neo4j import Driver

from aim.settings import Settings


def gds_available(driver: Driver, database: str) -> bool:
    try:
        driver.execute_query("RETURN gds.version() AS v", database_=database)
        return True
    except Exception:  # noqa: BLE001 - procedure missing = no GDS
        return False


def components_networkx(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(left.tolist(), right.tolist()))
    labels = np.empty(n, dtype=np.int64)
    for k, comp in enumerate(nx.connected_components(g)):
        labels[list(comp)] = k
    return labels


def components_gds(driver: Driver, settings: Settings, n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Weakly connected components computed by GDS (through the graphdatascience client)
    on a graph constructed from the linked pairs (nodes = record indices)."""
    import pandas as pd
    from graphdatascience import GraphDataScience

    gds = GraphDataScience(driver, database=settings.neo4j_database)
    name = f"aim-resolve-{uuid.uuid4().hex[:8]}"
    nodes = pd.DataFrame({"nodeId": np.arange(n, dtype=np.int64)})
    rels = pd.DataFrame({"sourceNodeId": np.asarray(left, dtype=np.int64),
                         "targetNodeId": np.asarray(right, dtype=np.int64)})
    G = gds.graph.construct(name, nodes, rels, undirected_relationship_types=["__ALL__"])
    try:
        df = gds.wcc.stream(G)
    finally:
        G.drop()
    labels = np.empty(n, dtype=np.int64)
    labels[df["nodeId"].to_numpy(dtype=np.int64)] = df["componentId"].to_numpy(dtype=np.int64)
    return labels


def components_backend(backend: str, driver: Driver, settings: Settings):
    """The connected-components step of the engine done by ``backend`` (gds, networkx,
    inprocess), for ``engine.link(components=...)``. The engine's guard (dates of birth,
    names, cannot-links) then works on those components, so every backend gives the same
    clusters. Returns the function and a dict whose ``"calls"`` counts how often it ran."""
    from aim.resolution import clustering

    if backend == "inprocess":
        fn = clustering.components
    elif backend == "networkx":
        fn = components_networkx
    elif backend == "gds":
        def fn(n, left, right):
            return components_gds(driver, settings, n, left, right)
    else:
        raise ValueError(f"unknown clustering backend {backend!r} (auto, gds, networkx, inprocess)")
    used = {"backend": backend, "calls": 0}

    def counted(n, left, right):
        used["calls"] += 1
        return compact(fn(n, left, right)) if len(left) else np.arange(n, dtype=np.int64)

    return counted, used


def compact(labels: np.ndarray) -> np.ndarray:
    return np.unique(np.asarray(labels), return_inverse=True)[1].astype(np.int64)


def same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    """Two labelings describe the same clusters (labels themselves may differ)."""
    a, b = compact(a), compact(b)
    pairs = np.unique(a * (int(b.max(initial=0)) + 1) + b)
    return pairs.size == np.unique(a).size == np.unique(b).size
