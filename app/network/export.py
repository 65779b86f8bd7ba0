"""Exports of a built network: GEXF and GraphML (open in Gephi), CSV of edges and of
clusters. Every file carries the parameters of the build: as graph attributes in GEXF
and GraphML, and in a `parameters.json` beside the CSV files.

Only account ids, handles, weights and cluster ids leave: no text, link or media.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from app.network.coaction import KINDS
from app.network.engine import Network


def write_all(network: Network, folder: Path, formats: Sequence[str]) -> list[Path]:
    """Write the chosen formats into folder; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if "gexf" in formats:
        written.append(write_gexf(network, folder / "network.gexf"))
    if "graphml" in formats:
        written.append(write_graphml(network, folder / "network.graphml"))
    if "csv" in formats:
        written += write_csv(network, folder)
    return written


def _nodes(network: Network) -> list[tuple[int, str, str, str]]:
    """(node number, account id, handle, cluster id) of every account on a kept edge."""
    member = network.cluster_of()
    graph = network.graph
    used = sorted(set(graph.a.tolist()) | set(graph.b.tolist()))
    names = graph.accounts
    handles = network.posts.handles
    return [(n, names[n], handles.get(names[n], ""), member.get(names[n], "")) for n in used]


def _edges(network: Network) -> list[tuple[int, int, int, float, dict[str, int]]]:
    g = network.graph
    return [
        (
            int(g.a[e]),
            int(g.b[e]),
            int(g.weight[e]),
            float(g.score[e]),
            {k: int(g.by_kind[k][e]) for k in KINDS},
        )
        for e in range(len(g))
    ]


def write_gexf(network: Network, path: Path) -> Path:
    """GEXF 1.3: nodes with handle and cluster, edges with weight (score) and counts."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<gexf xmlns="http://gexf.net/1.3" version="1.3">',
        f"  <meta><creator>Veil</creator><description>{escape(network.params.to_json())}"
        "</description></meta>",
        '  <graph defaultedgetype="undirected" mode="static">',
        '    <attributes class="node">',
        '      <attribute id="handle" title="handle" type="string"/>',
        '      <attribute id="cluster" title="cluster" type="string"/>',
        "    </attributes>",
        '    <attributes class="edge">',
        '      <attribute id="coactions" title="coactions" type="integer"/>',
        *[f'      <attribute id="{k}" title="{k}" type="integer"/>' for k in KINDS],
        "    </attributes>",
        "    <nodes>",
    ]
    for n, name, handle, cluster in _nodes(network):
        out.append(
            f"      <node id={quoteattr(str(n))} label={quoteattr(name)}><attvalues>"
            f'<attvalue for="handle" value={quoteattr(handle)}/>'
            f'<attvalue for="cluster" value={quoteattr(cluster)}/></attvalues></node>'
        )
    out.append("    </nodes>")
    out.append("    <edges>")
    for e, (a, b, weight, score, counts) in enumerate(_edges(network)):
        values = "".join(f'<attvalue for="{k}" value="{counts[k]}"/>' for k in KINDS)
        out.append(
            f'      <edge id="{e}" source="{a}" target="{b}" weight="{score:.4f}"><attvalues>'
            f'<attvalue for="coactions" value="{weight}"/>{values}</attvalues></edge>'
        )
    out += ["    </edges>", "  </graph>", "</gexf>"]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def write_graphml(network: Network, path: Path) -> Path:
    """GraphML: the same nodes and edges, parameters as a graph attribute."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
        '  <key id="parameters" for="graph" attr.name="parameters" attr.type="string"/>',
        '  <key id="label" for="node" attr.name="label" attr.type="string"/>',
        '  <key id="handle" for="node" attr.name="handle" attr.type="string"/>',
        '  <key id="cluster" for="node" attr.name="cluster" attr.type="string"/>',
        '  <key id="weight" for="edge" attr.name="weight" attr.type="double"/>',
        '  <key id="coactions" for="edge" attr.name="coactions" attr.type="int"/>',
        *[f'  <key id="{k}" for="edge" attr.name="{k}" attr.type="int"/>' for k in KINDS],
        '  <graph id="network" edgedefault="undirected">',
        f'    <data key="parameters">{escape(network.params.to_json())}</data>',
    ]
    for n, name, handle, cluster in _nodes(network):
        out.append(
            f'    <node id="n{n}"><data key="label">{escape(name)}</data>'
            f'<data key="handle">{escape(handle)}</data>'
            f'<data key="cluster">{escape(cluster)}</data></node>'
        )
    for a, b, weight, score, counts in _edges(network):
        values = "".join(f'<data key="{k}">{counts[k]}</data>' for k in KINDS)
        out.append(
            f'    <edge source="n{a}" target="n{b}"><data key="weight">{score:.4f}</data>'
            f'<data key="coactions">{weight}</data>{values}</edge>'
        )
    out += ["  </graph>", "</graphml>"]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def write_csv(network: Network, folder: Path) -> list[Path]:
    """edges.csv, clusters.csv and parameters.json."""
    names = network.graph.accounts
    member = network.cluster_of()
    edges_path = folder / "edges.csv"
    with edges_path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["account_a", "account_b", "score", "coactions", *KINDS, "cluster"])
        for a, b, weight, score, counts in _edges(network):
            same = member.get(names[a]) if member.get(names[a]) == member.get(names[b]) else ""
            row = [names[a], names[b], f"{score:.4f}", weight, *(counts[k] for k in KINDS)]
            writer.writerow([*row, same or ""])
    clusters_path = folder / "clusters.csv"
    with clusters_path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["rank", "cluster", "accounts", "edges", "score", "coactions", *KINDS, "members"]
        )
        for c in network.clusters:
            writer.writerow(
                [c.rank, c.cluster_id, c.size, c.edges, f"{c.score:.2f}", c.weight]
                + [c.by_kind[k] for k in KINDS]
                + [" ".join(c.accounts)]
            )
    params_path = folder / "parameters.json"
    params_path.write_text(
        json.dumps(json.loads(network.params.to_json()), indent=2) + "\n", encoding="utf-8"
    )
    return [edges_path, clusters_path, params_path]
