// Weijian UI behaviour: charts from data-option, auto-submitting selects,
// confirmations. No inline scripts anywhere (the CSP forbids them).
(function () {
  "use strict";
  var echartsLoading = null;

  // loadECharts loads the (large) chart library once, only on pages with charts.
  function loadECharts() {
    if (window.echarts) return Promise.resolve();
    if (!echartsLoading) {
      echartsLoading = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = document.body.dataset.echarts;
        s.onload = resolve;
        s.onerror = reject;
        document.head.appendChild(s);
      });
    }
    return echartsLoading;
  }

  function abs(v) { return typeof v === "number" ? Math.abs(v).toLocaleString() : v; }
  function num(v) { return typeof v === "number" ? v.toLocaleString() : v; }
  function labelNum(p) { return num(p.value); }

  // prepare adds what JSON cannot carry: number formatting functions.
  function prepare(opt) {
    var f = opt.weijianAbs ? abs : num;
    delete opt.weijianAbs;
    if (opt.tooltip) opt.tooltip.valueFormatter = f;
    if (f === abs) opt.xAxis.axisLabel = { formatter: abs };
    (opt.series || []).forEach(function (s) {
      if (s.label && s.label.show) s.label.formatter = labelNum;
    });
    return opt;
  }

  function drawCharts(root) {
    var els = root.querySelectorAll("[data-option]");
    if (!els.length) return;
    loadECharts().then(function () {
      els.forEach(function (el) {
        if (el.dataset.drawn) return;
        var opt = prepare(JSON.parse(el.dataset.option)); // weijianAbs: a pyramid, males drawn negative
        echarts.init(el, null, { renderer: "canvas" }).setOption(opt);
        el.dataset.drawn = "1";
      });
    });
  }

  function resizeCharts() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-drawn]").forEach(function (el) {
      var c = echarts.getInstanceByDom(el);
      if (c) c.resize();
    });
  }

  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSettle", function (e) { drawCharts(e.target); });
  window.addEventListener("resize", resizeCharts);

  // A <select data-autosubmit> submits its form when changed.
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("select[data-autosubmit]")) e.target.form.submit();
  });

  // A <form data-confirm="…"> asks before it submits.
  document.addEventListener("submit", function (e) {
    var msg = e.target.dataset && e.target.dataset.confirm;
    if (msg && !window.confirm(msg)) e.preventDefault();
  });

  // The user menu closes when clicking elsewhere.
  document.addEventListener("click", function (e) {
    document.querySelectorAll("details.usermenu[open]").forEach(function (d) {
      if (!d.contains(e.target)) d.removeAttribute("open");
    });
  });
})();
