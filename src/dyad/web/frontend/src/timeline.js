// The pair page's timeline: every dated event between two states, one lane per kind of event.
//
// Data comes from a <script type="application/json"> element named by data-source; nothing of
// it is ever parsed as HTML (text only: textContent and SVG text nodes). Hover or focus shows
// the source sentence; click or Enter selects the event and shows its evidence in the panel
// named by data-detail. Wheel or drag zooms and pans the time axis.
import { axisBottom } from "d3-axis";
import { scaleUtc } from "d3-scale";
import { select } from "d3-selection";
import { zoom, zoomIdentity } from "d3-zoom";

const LANES = [
  ["recognition", "Recognition"],
  ["relations", "Relations"],
  ["envoy", "Envoys"],
  ["mission", "Missions"],
  ["treaty", "Treaties"],
  ["other", "Other"],
];
const MARGIN = { top: 8, right: 16, bottom: 28, left: 104 };
const ROW = 18;
const DAY = 86400000;

function utc(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(Date.UTC(y, (m || 1) - 1, d || 1));
}

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

// Rows within a lane so that marks closer than `gap` pixels do not overlap.
function stack(items, x, gap) {
  const ends = {};
  let rows = {};
  for (const d of items) {
    const lane = d.lane;
    const x0 = x(d._start);
    const x1 = Math.max(x(d._end), x0 + 10);
    const laneEnds = ends[lane] || (ends[lane] = []);
    let row = laneEnds.findIndex((end) => end + gap <= x0);
    if (row < 0) {
      row = laneEnds.length;
      laneEnds.push(x1);
    } else {
      laneEnds[row] = x1;
    }
    d._row = row;
    rows[lane] = Math.max(rows[lane] || 0, row + 1);
  }
  return rows;
}

function init(root) {
  const source = document.getElementById(root.dataset.source);
  const detail = document.getElementById(root.dataset.detail);
  if (!source) return;
  const data = JSON.parse(source.textContent);
  const items = data.items
    .filter((d) => d.start)
    .map((d) => ({ ...d, _start: utc(d.start), _end: new Date(utc(d.end).getTime() + DAY) }))
    .sort((a, b) => a._start - b._start || a.id - b.id);
  const asOf = data.on ? utc(data.on) : null;

  root.textContent = "";
  if (!items.length) {
    root.append(el("p", "muted", "No dated events to draw."));
    return;
  }
  const tip = el("div", "tl-tip");
  tip.hidden = true;
  const toolbar = el("div", "tl-toolbar");
  const reset = el("button", "tl-reset", "Reset zoom");
  reset.type = "button";
  toolbar.append(el("span", "muted", "Scroll to zoom, drag to pan; hover or click an event for its source."), reset);
  root.append(toolbar);
  const svgNode = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  root.append(svgNode, tip);

  let selectedId = null;
  let transform = zoomIdentity;

  function draw() {
    const width = Math.max(root.clientWidth, 480);
    const first = items[0]._start;
    const last = items.reduce((m, d) => (d._end > m ? d._end : m), items[0]._end);
    const span = Math.max(last - first, 365 * DAY);
    const x0 = scaleUtc()
      .domain([new Date(first.getTime() - span * 0.04), new Date(last.getTime() + span * 0.04)])
      .range([MARGIN.left, width - MARGIN.right]);
    const rows = stack(items, x0, 4);
    const lanes = LANES.filter(([key]) => rows[key]);
    let y = MARGIN.top;
    const laneY = {};
    for (const [key] of lanes) {
      laneY[key] = y;
      y += rows[key] * ROW + 10;
    }
    const height = y + MARGIN.bottom;
    const svg = select(svgNode).attr("width", width).attr("height", height).attr("class", "tl-svg");
    svg.attr("role", "img").attr("aria-label", `Timeline of ${items.length} dated events`);
    svg.selectAll("*").remove();

    const clipId = "tl-clip";
    svg
      .append("defs")
      .append("clipPath")
      .attr("id", clipId)
      .append("rect")
      .attr("x", MARGIN.left)
      .attr("y", 0)
      .attr("width", width - MARGIN.left - MARGIN.right)
      .attr("height", height);

    const laneG = svg.append("g").attr("class", "tl-lanes");
    for (const [key, label] of lanes) {
      const h = rows[key] * ROW + 6;
      laneG
        .append("rect")
        .attr("class", `tl-lane lane-${key}`)
        .attr("x", MARGIN.left)
        .attr("y", laneY[key] - 3)
        .attr("width", width - MARGIN.left - MARGIN.right)
        .attr("height", h);
      laneG
        .append("text")
        .attr("class", "tl-lane-label")
        .attr("x", MARGIN.left - 8)
        .attr("y", laneY[key] + h / 2)
        .attr("dy", "0.1em")
        .attr("text-anchor", "end")
        .text(label);
    }
    const axisG = svg
      .append("g")
      .attr("class", "tl-axis")
      .attr("transform", `translate(0,${height - MARGIN.bottom + 4})`);
    const plot = svg.append("g").attr("clip-path", `url(#${clipId})`);
    const asOfLine = plot.append("line").attr("class", "tl-asof").attr("y1", 0).attr("y2", height - MARGIN.bottom);
    const marks = plot
      .selectAll("g.tl-item")
      .data(items, (d) => d.id)
      .join("g")
      .attr("class", (d) => `tl-item lane-${d.lane}${d.negative ? " negative" : ""}${d.conflict ? " conflict" : ""}`)
      .attr("tabindex", 0)
      .attr("role", "button")
      .attr("data-id", (d) => d.id)
      .attr("aria-label", (d) => `${d.date}: ${d.label}, ${d.summary}`);
    marks.append("rect").attr("height", ROW - 6).attr("rx", 3);

    function place(x) {
      axisG.call(axisBottom(x).ticks(Math.max(2, Math.floor(width / 110))));
      marks
        .select("rect")
        .attr("x", (d) => x(d._start))
        .attr("y", (d) => laneY[d.lane] + d._row * ROW)
        .attr("width", (d) => Math.max(x(d._end) - x(d._start), 10));
      if (asOf) {
        asOfLine.attr("x1", x(asOf)).attr("x2", x(asOf)).attr("visibility", "visible");
      } else {
        asOfLine.attr("visibility", "hidden");
      }
    }

    const zoomer = zoom()
      .scaleExtent([1, 400])
      .extent([
        [MARGIN.left, 0],
        [width - MARGIN.right, height],
      ])
      .translateExtent([
        [MARGIN.left, 0],
        [width - MARGIN.right, height],
      ])
      .on("zoom", (event) => {
        transform = event.transform;
        place(transform.rescaleX(x0));
      });
    svg.call(zoomer).on("dblclick.zoom", null);
    svg.call(zoomer.transform, transform);
    reset.onclick = () => svg.call(zoomer.transform, zoomIdentity);

    marks
      .on("mouseenter focus", (event, d) => showTip(event, d))
      .on("mouseleave blur", () => {
        tip.hidden = true;
      })
      .on("click", (event, d) => choose(d))
      .on("keydown", (event, d) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          choose(d);
        }
      });
    marks.classed("selected", (d) => d.id === selectedId);
  }

  function showTip(event, d) {
    tip.textContent = "";
    tip.append(el("div", "tl-tip-head", `${d.date} · ${d.label}`));
    tip.append(el("div", "tl-tip-summary", d.summary));
    if (d.text) tip.append(el("blockquote", "tl-tip-text", d.text));
    if (d.doc) tip.append(el("div", "tl-tip-doc muted", `from ${d.doc}${d.sources.length > 1 ? ` and ${d.sources.length - 1} more` : ""}`));
    tip.hidden = false;
    const box = root.getBoundingClientRect();
    const target = event.currentTarget.getBoundingClientRect();
    const left = Math.min(Math.max(target.left - box.left - 20, 0), Math.max(box.width - 360, 0));
    tip.style.left = `${left}px`;
    tip.style.top = `${target.bottom - box.top + 8}px`;
  }

  function choose(d) {
    selectedId = d.id;
    select(svgNode)
      .selectAll("g.tl-item")
      .classed("selected", (e) => e.id === selectedId);
    for (const row of document.querySelectorAll("tr.selected")) row.classList.remove("selected");
    const row = document.getElementById(`event-${d.id}`);
    if (row) row.classList.add("selected");
    if (!detail) return;
    detail.textContent = "";
    detail.hidden = false;
    detail.append(el("div", "detail-head", `${d.date} · ${d.label}${d.conflict ? " · sources disagree" : ""}`));
    detail.append(el("h3", "detail-summary", d.summary));
    if (d.text) detail.append(el("blockquote", "evidence", d.text));
    const foot = el("p", "muted");
    foot.append(`Told by ${d.sources.length} document${d.sources.length === 1 ? "" : "s"}: ${d.sources.join(", ")}. `);
    const link = el("a", null, "Evidence in its source →");
    link.href = `${root.dataset.eventBase || "/events/"}${Number(d.id)}`;
    foot.append(link);
    detail.append(foot);
  }

  draw();
  let timer = null;
  window.addEventListener("resize", () => {
    clearTimeout(timer);
    timer = setTimeout(draw, 150);
  });
}

for (const root of document.querySelectorAll("[data-timeline]")) init(root);
