"""How fast a rendered view becomes usable in headless Chromium.

    python benchmarks/bench_views.py [--sizes 200 500 2000 5000] [--repeat 3] [--out DIR]

For each size it makes a synthetic view (:func:`synthetic_page`: mechanisms, places
grouped by province, documents and agencies, about 1.6 edges per node), renders it with
:func:`kg.views.render.render_page` into a site folder with ``assets/`` beside it, and
opens it in Debian's Chromium (``/usr/bin/chromium``) through Playwright. It reports:

- **render**: seconds in Python (layout included, for views above 300 nodes);
- **ready**: milliseconds from navigation start to the viewer's ``kg-ready`` mark
  (drawn, and settled when physics is on), read from ``performance``;
- **wall**: milliseconds from ``page.goto`` to the ready flag, as the test harness sees it;
- **click**: milliseconds from a mouse click on a node to its name in the details panel.

Each figure is the median of ``--repeat`` fresh page loads. The issue's target: a
2,000-node view usable within 3 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kg.views.model import Edge, Node, Page
from kg.views.render import render_page, write_assets

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
MECHANISMS = ("大党委", "网格化管理", "吹哨报到", "枫桥经验", "三社联动", "基层治理四平台", "接诉即办", "街乡吹哨",
              "红色物业", "邻里中心", "多网合一", "党建引领")
PROVINCES = ("宁夏回族自治区", "云南省", "河南省", "上海市", "浙江省", "北京市", "广东省", "四川省")
STATUSES = ("implemented", "piloting", "planned", "proposed")


def synthetic_page(n: int, *, seed: int = 0, path: str = "overview.html") -> Page:
    """A view of about ``n`` nodes shaped like the overview: places adopting mechanisms.

    >>> page = synthetic_page(200)
    >>> len(page.nodes), page.nodes[0].label
    (200, '大党委')
    """
    rng = random.Random(seed)
    mechanisms = max(3, n // 25)
    documents = max(2, n // 12)
    agencies = max(2, n // 40)
    places = n - mechanisms - documents - agencies
    nodes: list[Node] = []
    edges: list[Edge] = []
    for i in range(mechanisms):
        name = MECHANISMS[i] if i < len(MECHANISMS) else f"{MECHANISMS[i % len(MECHANISMS)]}{i // len(MECHANISMS)}号"
        nodes.append(Node(id=f"m{i}", label=name, kind="Mechanism", url=f"mechanism/m{i}.html",
                          size=1 + rng.random() * 20, title=f"{name}: 基层治理机制"))
    for i in range(agencies):
        nodes.append(Node(id=f"a{i}", label=f"第{i}区民政局", kind="Agency"))
    for i in range(documents):
        nodes.append(Node(id=f"d{i}", label=f"关于第{i}号提案的答复", kind="Document", url=f"document/d{i}.html"))
        edges.append(Edge(src=f"d{i}", dst=f"a{rng.randrange(agencies)}", kind="ISSUED_BY"))
    for i in range(places):
        province = PROVINCES[i % len(PROVINCES)]
        nodes.append(Node(id=f"p{i}", label=f"{province[:2]}第{i}街道", kind="Place", group=province,
                          url=f"place/p{i}.html", details=(("province 省份", province),)))
        for m in rng.sample(range(mechanisms), k=1 + (rng.random() < 0.4)):
            doc = rng.randrange(documents)
            status = STATUSES[rng.randrange(4)]
            edges.append(Edge(src=f"p{i}", dst=f"m{m}", kind="ADOPTED", status=status, label=str(2015 + rng.randrange(9)),
                              url=f"document/d{doc}.html",
                              details=(("evidence 证据", f"第{i}街道全面推行该机制，推动资源下沉。"), ("status 状态", status))))
    return Page(path=path, title=f"Synthetic view 合成视图 · {n} nodes", nodes=tuple(nodes), edges=tuple(edges))


def measure(browser: object, url: str, label: str) -> tuple[float, float, float]:
    """``(ready ms, wall ms, click ms)`` for one fresh load of ``url`` in a new context."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("html[data-kg-ready]", state="attached", timeout=120_000)
    wall = (time.perf_counter() - start) * 1000
    ready = page.evaluate("performance.getEntriesByName('kg-ready')[0].startTime")
    node_id = page.evaluate("name => kgView.data.nodes.find(n => n.label === name).id", label)
    x, y = page.evaluate("""id => {
        const n = kgView.network, p = n.canvasToDOM(n.getPositions([id])[id]);
        const r = document.querySelector('#kg-graph canvas').getBoundingClientRect();
        return [r.x + p.x, r.y + p.y]; }""", node_id)
    heading = page.locator("#kg-details").get_by_role("heading", name=label, exact=True)  # no eval: CSP forbids it
    start = time.perf_counter()
    for attempt in range(3):  # vis-network's tap is lost when a loaded machine holds the button > 250 ms
        page.mouse.click(x, y)
        try:
            heading.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    click = (time.perf_counter() - start) * 1000
    context.close()
    return ready, wall, click


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 500, 2000, 5000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="site folder to keep (default: a temporary one)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    site = args.out or Path(tempfile.mkdtemp(prefix="bench-views-"))
    write_assets(site)
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for n in args.sizes:
            page = synthetic_page(n, path=f"view-{n}.html")
            start = time.perf_counter()
            html = render_page(page, assets="assets")
            render = time.perf_counter() - start
            (site / page.path).write_text(html, encoding="utf-8")
            runs = [measure(browser, (site / page.path).as_uri(), "大党委") for _ in range(args.repeat)]
            ready, wall, click = (statistics.median(r[i] for r in runs) for i in range(3))
            rows.append((n, len(page.edges), len(html) / 1e6, render, n <= 300, ready, wall, click))
            print(f"  {n} nodes done", file=sys.stderr)
        browser.close()
    print("| nodes | edges | page MB | render s | physics | ready ms | wall ms | click ms |")
    print("|---:|---:|---:|---:|:---:|---:|---:|---:|")
    for n, m, mb, render, physics, ready, wall, click in rows:
        print(f"| {n} | {m} | {mb:.2f} | {render:.2f} | {'on' if physics else 'off'} | {ready:.0f} | {wall:.0f} | {click:.0f} |")


if __name__ == "__main__":
    main()
