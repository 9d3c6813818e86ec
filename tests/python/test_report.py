"""The HTML report: self-contained, complete, and rendered by headless Chromium to a page that is not blank
and loads no (failing) resource."""
import base64
import html.parser
import io
import os
import pathlib
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

if not os.environ.get("BUURTSIM_PYTHON_REQUIRED"):
    pytest.importorskip("buurtsim", reason="build with -DBUURTSIM_PYTHON=ON and put build/python on PYTHONPATH")
import buurtsim  # noqa: E402
from buurtsim.compare import SAVINGS_ROWS  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCEN = ROOT / "experiments" / "scenarios"
THREE = [SCEN / "baseline.toml", SCEN / "buurtondersteuners-targeted.toml", SCEN / "facilitator-every-wijk.toml"]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--no-first-run", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                  "--disable-extensions", "--mute-audio"]


@pytest.fixture(scope="module")
def result_file(tmp_path_factory, buurtsim_bin):
    out = tmp_path_factory.mktemp("report") / "three.h5"
    r = subprocess.run([buurtsim_bin, "run", *THREE, "--replicates", "3", "--seed", "9", "--set", "run.weeks=12",
                        "--set", "population.scale=0.05", "--set", 'population.wijken=["WK034403", "WK034401"]',
                        "-o", out, "-q"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="module")
def report_html(result_file):
    path = result_file.with_name("report.html")
    returned = buurtsim.report(result_file, path, baseline="baseline")
    assert returned == path
    return path


class Resources(html.parser.HTMLParser):
    """Every attribute that could make a browser fetch something."""

    def __init__(self):
        super().__init__()
        self.images, self.fetching, self.scripts = [], [], 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.images.append(a)
        if tag == "script":
            self.scripts += 1
        for key in ("src", "srcset", "poster", "data"):
            if key in a and not a[key].startswith("data:"):
                self.fetching.append((tag, key, a[key]))
        if tag == "link" and a.get("rel") in ("stylesheet", "icon", "preload", "import"):
            self.fetching.append((tag, "href", a.get("href")))


def test_report_is_one_self_contained_file(report_html):
    text = report_html.read_text(encoding="utf-8")
    parser = Resources()
    parser.feed(text)
    assert parser.fetching == [], "the report must not load anything from outside the file"
    assert parser.scripts == 0
    assert not re.search(r"url\((?!\s*['\"]?data:)", text), "no external CSS resources"
    assert len(parser.images) >= 4          # two forest plots, time series, per-wijk bars
    from PIL import Image

    for img in parser.images:
        assert img["src"].startswith("data:image/png;base64,")
        assert img.get("alt")
        png = Image.open(io.BytesIO(base64.b64decode(img["src"].split(",", 1)[1], validate=True)))
        png.verify()
        assert png.size[0] > 300 and png.size[1] > 150


def test_report_has_every_section(report_html, result_file):
    text = report_html.read_text(encoding="utf-8")
    for heading in ("In short", "Comparison table", "Plots", "Assumptions and limits", "Provenance"):
        assert f"<h2>{heading}</h2>" in text
    for name in ("buurtondersteuners-targeted", "facilitator-every-wijk"):
        assert f"<h3>{name}</h3>" in text                    # a plain-language summary per scenario
    assert "95 % interval" in text and "€" in text
    assert "Care cost saved per euro of intervention cost" in text
    ds = buurtsim.load(result_file)
    assert ds.attrs["git_commit"] in text and ds.attrs["provenance_data_files"].split()[0] in text
    assert "docs/ODD.md" in text
    # The table shows the numbers of buurtsim.compare.
    t = buurtsim.compare(ds, baseline="baseline")
    row = t[(t.scenario_name == "facilitator-every-wijk") & (t.area == "city")
            & (t.indicator == "intervention_cost_eur")].iloc[0]
    assert f"€{row.scenario_mean:,.0f}" in text


def render(page, tmp_path, *extra):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("chromium is not installed (scripts/deps.sh installs the Debian package)")
    args = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *extra, page.as_uri()]
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


# Chromium's own background traffic (accounts, updates, clock), not the page's.
CHROMIUM_SERVICES = re.compile(r"^https?://[^/]*(google\.com|googleapis\.com|gstatic\.com|googleusercontent\.com)[:/]")


def loaded_urls(stderr):
    """URLs the browser fetched for the page, from its --v=1 log: file loads and network requests."""
    urls = re.findall(r"FileURLLoader::Start: (\S+)", stderr)
    urls += [u for u in re.findall(r"NotifyBeforeURLRequest: (\S+)", stderr) if not CHROMIUM_SERVICES.match(u)]
    return urls


def page_errors(stderr):
    return [line for line in stderr.splitlines()
            if re.search(r"net::ERR_|Failed to load resource|Not allowed to load local resource", line)
            and "google_apis/" not in line and "update_client" not in line]


def screenshot(page, tmp_path, size=(1280, 2400)):
    shot = tmp_path / (page.stem + ".png")
    r = render(page, tmp_path, f"--window-size={size[0]},{size[1]}", f"--screenshot={shot}",
               "--enable-logging=stderr", "--v=1")
    assert r.returncode == 0, r.stderr[-2000:]
    assert shot.exists()
    return shot, r.stderr


def test_resource_check_catches_a_broken_page(tmp_path):
    """The checks below would notice a missing image or an external stylesheet."""
    page = tmp_path / "broken.html"
    page.write_text('<html><body><h1>x</h1><img src="missing.png">'
                    '<link rel="stylesheet" href="http://example.invalid/a.css"></body></html>')
    _, log = screenshot(page, tmp_path, (400, 300))
    extra = [u for u in loaded_urls(log) if u != page.as_uri()]
    assert any(u.endswith("missing.png") for u in extra) and any("example.invalid" in u for u in extra)


def test_report_renders_in_headless_chromium(report_html, tmp_path):
    from PIL import Image

    shot, log = screenshot(report_html, tmp_path)
    assert loaded_urls(log) == [report_html.as_uri()], "the page loaded something besides itself"
    assert page_errors(log) == []
    pixels = np.asarray(Image.open(shot).convert("L"), dtype=np.float64)
    assert pixels.shape == (2400, 1280)
    assert pixels.std() > 20, "the page looks blank"
    assert (pixels < 128).mean() > 0.01, "too little dark content (text, plots)"
    assert pixels[1200:].std() > 20, "the lower half is blank"


def test_every_image_decodes_in_the_browser(report_html, tmp_path):
    """A copy of the report with a script that records what the browser made of each image."""
    probe = tmp_path / "probe.html"
    check = ("<script>window.addEventListener('load', () => {"
             "const imgs = Array.from(document.images);"
             "const bad = imgs.filter(i => !i.complete || i.naturalWidth === 0).length;"
             "document.body.setAttribute('data-images', imgs.length + ' ' + bad);});</script>")
    probe.write_text(report_html.read_text(encoding="utf-8").replace("</body>", check + "</body>"), encoding="utf-8")
    r = render(probe, tmp_path, "--dump-dom", "--virtual-time-budget=5000")
    assert r.returncode == 0, r.stderr[-2000:]
    m = re.search(r'data-images="(\d+) (\d+)"', r.stdout)
    assert m, "the load event did not run"
    total, broken = int(m.group(1)), int(m.group(2))
    assert total >= 4 and broken == 0


def test_report_of_one_scenario_from_memory(tmp_path):
    ds = buurtsim.run("quick", weeks=6, replicates=2, population__scale=0.05)
    path = buurtsim.report(ds, tmp_path / "one.html")
    text = path.read_text(encoding="utf-8")
    assert "<h2>Key figures</h2>" in text and "Comparison table" not in text
    assert "(in memory: buurtsim.run)" in text
    assert text.count("data:image/png;base64,") >= 1


def test_python_m_buurtsim_report(result_file, tmp_path):
    out = tmp_path / "cli.html"
    env = dict(os.environ)
    r = subprocess.run([sys.executable, "-m", "buurtsim", "report", str(result_file), "-o", str(out)],
                       capture_output=True, text=True, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(out.resolve())
    assert out.stat().st_size > 10000
    r = subprocess.run([sys.executable, "-m", "buurtsim", "report", str(tmp_path / "missing.h5")],
                       capture_output=True, text=True, env=env, cwd=tmp_path)
    assert r.returncode == 2 and r.stderr.startswith("buurtsim: error: cannot read result file")
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


class Rows(html.parser.HTMLParser):
    """The comparison tables' rows: (class, cells) per <tr> after an <h3>, keyed by that heading."""

    def __init__(self):
        super().__init__()
        self.tables, self.heading, self.row, self.cell, self.where = {}, None, None, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "h3":
            self.where = "h3"
            self.heading = ""
        elif tag == "tr" and self.heading is not None:
            self.row = (dict(attrs).get("class"), [])
            self.tables.setdefault(self.heading, []).append(self.row)
        elif tag == "td" and self.row is not None:
            self.row[1].append("")
            self.where = "td"

    def handle_endtag(self, tag):
        if tag in ("h3", "td"):
            self.where = None

    def handle_data(self, data):
        if self.where == "h3":
            self.heading += data
        elif self.where == "td":
            self.row[1][-1] += data


def test_bold_rows_are_those_whose_interval_excludes_zero(report_html, result_file):
    parser = Rows()
    parser.feed(report_html.read_text(encoding="utf-8"))
    t = buurtsim.compare(buurtsim.load(result_file), baseline="baseline")
    checked = 0
    for name in ("buurtondersteuners-targeted", "facilitator-every-wijk"):
        rows = t[(t.scenario_name == name) & (t.area == "city") & ~t.indicator.isin(SAVINGS_ROWS)]
        heading = next(h for h in parser.tables if h.startswith(f"{name} minus baseline: whole area"))
        shown = {cells[0]: cls for cls, cells in parser.tables[heading] if cells}
        for _, r in rows.iterrows():
            clear = np.isfinite(r.ci_low) and (r.ci_low > 0 or r.ci_high < 0)
            assert (shown[r.label] == "clear") == clear, (name, r.label)
            checked += 1
        for r in buurtsim._core.savings_rows():  # every payer's ratio row is shown as a ratio
            assert shown[r["label"]] == "ratio", r["label"]
    assert checked > 10


def test_text_from_the_scenarios_is_escaped(tmp_path, run_cli):
    odd = tmp_path / "odd.toml"
    odd.write_text(f'extends = "{SCEN / "buurtondersteuners-targeted.toml"}"\nname = "odd-<b>&x"\n'
                   'description = "Tags <script>alert(1)</script> & \\"quotes\\""\n')
    out = tmp_path / "odd.h5"
    r = run_cli("run", SCEN / "baseline.toml", odd, "--replicates", 2, "--set", "run.weeks=4", "--set",
                "population.scale=0.03", "--set", 'population.wijken=["WK034403"]', "-o", out, "-q")
    assert r.returncode == 0, r.stderr
    text = buurtsim.report(out, tmp_path / "odd.html").read_text(encoding="utf-8")
    assert "<script" not in text and "<b>&x" not in text
    assert "<h3>odd-&lt;b&gt;&amp;x</h3>" in text
    assert "Tags &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;." in text


# ---------------------------------------------------------------- parameter uncertainty (priors)

OVERLAY = ROOT / "data" / "params" / "utrecht-2023-uncertainty.toml"


@pytest.fixture(scope="module")
def priors_file(tmp_path_factory, buurtsim_bin):
    out = tmp_path_factory.mktemp("report_priors") / "priors.h5"
    r = subprocess.run([buurtsim_bin, "run", THREE[0], THREE[1], "--overlay", OVERLAY, "--replicates", "4",
                        "--seed", "9", "--set", "run.weeks=12", "--set", "population.scale=0.05",
                        "--set", 'population.wijken=["WK034403", "WK034401"]', "-o", out, "-q"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return out


def test_report_with_priors_shows_both_intervals_and_the_probabilities(priors_file, tmp_path):
    page = buurtsim.report(priors_file, tmp_path / "p.html", baseline="baseline")
    text = page.read_text(encoding="utf-8")
    ds = buurtsim.load(priors_file)
    assert f"{ds.sizes['parameter']} assumed parameters were given a range" in text
    assert "95 % interval of the mean" in text and "95 % uncertainty interval (parameters and chance)" in text
    assert "With fewer than 40 replicates its ends are the extreme replicates" in text
    t = buurtsim.compare(ds, baseline="baseline")
    for area in ("city", "targeted"):
        rows = t[(t.area == area) & t.indicator.isin(SAVINGS_ROWS)].set_index("indicator")
        p = {k: f"{100 * v:.0f} %" for k, v in rows.p_saving_exceeds_cost.items()}
        assert (f"both payers together <b>{p['euro_saved_per_euro_spent']}</b>, the gemeente "
                f"<b>{p['euro_saved_per_euro_spent_gemeente']}</b>, the zorgverzekeraar "
                f"<b>{p['euro_saved_per_euro_spent_zorgverzekeraar']}</b>") in text
    assert "each with its own draw of the uncertain parameters" in text
    assert "the uncertainty intervals include what is not known about those assumptions" in text
    # 4 replicates: the drivers section says it is too few to correlate, and draws nothing (test_report_drivers).
    assert "too few to say which assumptions drive the differences" in text


def test_report_without_priors_says_the_intervals_are_chance_only(report_html):
    text = report_html.read_text(encoding="utf-8")
    assert "No parameter uncertainty: every replicate used the same parameter values" in text
    assert "uncertainty interval (parameters and chance)" not in text
    assert "Probability that the care cost saved exceeds the intervention cost (the simulation's chance only)" in text
