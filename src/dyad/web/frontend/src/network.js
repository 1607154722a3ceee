// The network page: states as nodes; recognition (arrows) and diplomatic relations (lines) as
// edges, as of the year chosen on the slider. Every move of the slider asks /api/network for
// that date and redraws the edges; nodes keep their places. Names are SVG text, never HTML.
import { drag } from "d3-drag";
import { forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY } from "d3-force";
import { select } from "d3-selection";
import { zoom } from "d3-zoom";

const SVG_NS = "http://www.w3.org/2000/svg";

function edgeKey(e) {
  return `${e.type}:${e.source.name || e.source}>${e.target.name || e.target}`;
}

function init(root) {
  const api = root.dataset.api;
  const stateBase = root.dataset.stateBase || "/states/";
  const pairBase = root.dataset.pairBase || "/pairs/";
  const slider = document.getElementById(root.dataset.slider);
  const label = document.getElementById(root.dataset.label);
  const summary = document.getElementById(root.dataset.summary);
  const allKnown = document.getElementById(root.dataset.all);

  const width = () => Math.max(root.clientWidth, 480);
  const height = 560;
  const svgNode = document.createElementNS(SVG_NS, "svg");
  root.textContent = "";
  root.append(svgNode);
  const svg = select(svgNode).attr("class", "net-svg").attr("height", height).attr("width", width());
  svg.attr("role", "img").attr("aria-label", "Network of states: recognition and diplomatic relations");
  const defs = svg.append("defs");
  for (const kind of ["recognition", "relations"]) {
    defs
      .append("marker")
      .attr("id", `arrow-${kind}`)
      .attr("viewBox", "0 -5 10 10")
      .attr("refX", 10)
      .attr("refY", 0)
      .attr("markerWidth", 7)
      .attr("markerHeight", 7)
      .attr("orient", "auto")
      .append("path")
      .attr("class", `arrow arrow-${kind}`)
      .attr("d", "M0,-5L10,0L0,5");
  }
  const layer = svg.append("g");
  const edgeG = layer.append("g").attr("class", "net-edges");
  const nodeG = layer.append("g").attr("class", "net-nodes");
  svg.call(
    zoom()
      .scaleExtent([0.3, 6])
      .on("zoom", (event) => layer.attr("transform", event.transform)),
  );

  const nodes = new Map();
  let edges = [];
  const simulation = forceSimulation()
    .force("charge", forceManyBody().strength(-260))
    .force("collide", forceCollide(26))
    .force("x", forceX(() => width() / 2).strength(0.05))
    .force("y", forceY(height / 2).strength(0.07))
    .force(
      "link",
      forceLink()
        .id((d) => d.name)
        .distance(110)
        .strength(0.3),
    )
    .on("tick", ticked);

  function radius(d) {
    return 6 + Math.sqrt(d.degree || 0) * 3;
  }

  function path(e) {
    const s = e.source;
    const t = e.target;
    const dx = t.x - s.x;
    const dy = t.y - s.y;
    const len = Math.hypot(dx, dy) || 1;
    // stop at the target's rim so the arrow shows
    const r = radius(t) + 2;
    const tx = t.x - (dx / len) * r;
    const ty = t.y - (dy / len) * r;
    if (e.type === "relations") return `M${s.x},${s.y}L${t.x},${t.y}`;
    // recognition: a gentle arc, so A→B and B→A do not lie on each other
    const mx = (s.x + tx) / 2 - (dy / len) * len * 0.12;
    const my = (s.y + ty) / 2 + (dx / len) * len * 0.12;
    return `M${s.x},${s.y}Q${mx},${my} ${tx},${ty}`;
  }

  function ticked() {
    edgeG.selectAll("path.edge").attr("d", path);
    nodeG.selectAll("g.node").attr("transform", (d) => `translate(${d.x},${d.y})`);
  }

  function render(data) {
    const w = width();
    svg.attr("width", w);
    data.nodes.forEach((n, i) => {
      const known = nodes.get(n.name);
      if (known) {
        Object.assign(known, n);
        return;
      }
      // first placement: on a circle, in the order the server gives (deterministic layouts)
      const angle = (2 * Math.PI * i) / data.nodes.length;
      const r = Math.min(w, height) * 0.35;
      nodes.set(n.name, { ...n, x: w / 2 + r * Math.cos(angle), y: height / 2 + r * Math.sin(angle) });
    });
    const degree = new Map();
    for (const e of data.edges) {
      degree.set(e.source, (degree.get(e.source) || 0) + 1);
      degree.set(e.target, (degree.get(e.target) || 0) + 1);
    }
    for (const n of nodes.values()) n.degree = degree.get(n.name) || 0;
    edges = data.edges
      .filter((e) => nodes.has(e.source) && nodes.has(e.target))
      .map((e) => ({ ...e, source: nodes.get(e.source), target: nodes.get(e.target) }));

    const nodeSel = nodeG
      .selectAll("g.node")
      .data([...nodes.values()], (d) => d.name)
      .join((enter) => {
        const g = enter.append("g").attr("class", "node").attr("tabindex", 0).attr("role", "link");
        g.append("circle");
        g.append("text").attr("dy", "0.32em");
        g.append("title");
        g.on("click", (event, d) => {
          if (!event.defaultPrevented) window.location.href = stateBase + encodeURIComponent(d.name);
        }).on("keydown", (event, d) => {
          if (event.key === "Enter") window.location.href = stateBase + encodeURIComponent(d.name);
        });
        g.call(
          drag()
            .on("start", (event, d) => {
              if (!event.active) simulation.alphaTarget(0.2).restart();
              d.fx = d.x;
              d.fy = d.y;
            })
            .on("drag", (event, d) => {
              d.fx = event.x;
              d.fy = event.y;
            })
            .on("end", (event, d) => {
              if (!event.active) simulation.alphaTarget(0);
              d.fx = null;
              d.fy = null;
            }),
        );
        return g;
      });
    nodeSel
      .classed("isolated", (d) => !d.degree)
      .classed("organization", (d) => d.kind === "organization")
      .attr("aria-label", (d) => d.name);
    nodeSel.select("circle").attr("r", radius);
    nodeSel
      .select("text")
      .attr("x", (d) => radius(d) + 4)
      .text((d) => d.name);
    nodeSel.select("title").text((d) => `${d.name}: ${d.degree} edge${d.degree === 1 ? "" : "s"} as of ${data.on || "today"}`);

    edgeG
      .selectAll("path.edge")
      .data(edges, edgeKey)
      .join((enter) => {
        const p = enter.append("path").attr("class", (d) => `edge edge-${d.type}`);
        p.append("title");
        p.on("click", (event, d) => {
          window.location.href = `${pairBase}${encodeURIComponent(d.source.name)}/${encodeURIComponent(d.target.name)}`;
        });
        return p;
      })
      .attr("data-type", (d) => d.type)
      .attr("marker-end", (d) => (d.type === "recognition" ? "url(#arrow-recognition)" : null))
      .select("title")
      .text((d) =>
        d.type === "recognition"
          ? `${d.source.name} recognises ${d.target.name} (since ${d.since || "an unknown date"})`
          : `${d.source.name} and ${d.target.name}: diplomatic relations (since ${d.since || "an unknown date"})`,
      );

    simulation.nodes([...nodes.values()]);
    simulation.force("link").links(edges);
    simulation.alpha(0.5).restart();

    const nRec = edges.filter((e) => e.type === "recognition").length;
    const nRel = edges.length - nRec;
    summary.textContent = `As of ${data.on ? data.on : "today (everything known)"}: ${nRec} recognition${nRec === 1 ? "" : "s"}, ${nRel} pair${nRel === 1 ? "" : "s"} with diplomatic relations, among ${nodes.size} states and organisations.`;
    root.dataset.edges = String(edges.length);
    root.dataset.on = data.on || "";
  }

  let request = 0;
  async function load() {
    const on = allKnown && allKnown.checked ? "" : `${slider.value}-12-31`;
    label.textContent = on ? `31 December ${slider.value}` : "everything known";
    const mine = ++request;
    root.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(on ? `${api}?on=${encodeURIComponent(on)}` : api, {
        headers: { Accept: "application/json" },
      });
      const data = await response.json();
      if (mine !== request) return;
      if (!response.ok) {
        summary.textContent = data.message || `error ${response.status}`;
        return;
      }
      render(data);
    } catch (error) {
      summary.textContent = `Could not load the network: ${error}`;
    } finally {
      if (mine === request) root.removeAttribute("aria-busy");
    }
  }

  let timer = null;
  slider.addEventListener("input", () => {
    if (allKnown) allKnown.checked = false;
    label.textContent = `31 December ${slider.value}`;
    clearTimeout(timer);
    timer = setTimeout(load, 120);
  });
  if (allKnown) allKnown.addEventListener("change", load);
  window.addEventListener("resize", () => {
    svg.attr("width", width());
    simulation.alpha(0.2).restart();
  });
  load();
}

for (const root of document.querySelectorAll("[data-network]")) init(root);
