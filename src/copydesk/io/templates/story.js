/* copydesk story page: picks out in the picture the edge being read. The links themselves are plain
   fragment links (#e<k>), so the page works without this script too. */
(function () {
  "use strict";
  var doc = document;
  var box = doc.getElementById("graph-box");
  var graph = doc.getElementById("graph");

  /* Mark the edge e<k> and the node it leads to; clear the last mark. */
  function select(edge) {
    Array.prototype.forEach.call(doc.querySelectorAll(".tree .sel"), function (el) { el.classList.remove("sel"); });
    if (!/^e\d+$/.test(edge || "")) return null;
    var line = doc.getElementById("g" + edge.slice(1));
    if (line) line.classList.add("sel");
    var section = doc.getElementById(edge);
    var link = section ? section.querySelector(".tograph") : null;
    var node = link ? doc.getElementById(link.getAttribute("data-node")) : null;
    if (node) node.classList.add("sel");
    return node;
  }

  /* Scroll the picture's own box so that el sits in its middle. */
  function centre(el) {
    var b = box.getBoundingClientRect();
    var r = el.getBoundingClientRect();
    box.scrollTop += r.top - b.top - (b.height - r.height) / 2;
    box.scrollLeft += r.left - b.left - (b.width - r.width) / 2;
  }

  Array.prototype.forEach.call(doc.querySelectorAll(".tree a.to"), function (a) {
    a.addEventListener("click", function () { select(a.getAttribute("data-edge")); });
  });

  Array.prototype.forEach.call(doc.querySelectorAll(".tograph"), function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      var node = select(a.getAttribute("data-edge"));
      graph.scrollIntoView({ block: "start" });
      if (node) centre(node);
    });
  });

  window.addEventListener("hashchange", function () { select(location.hash.slice(1)); });
  if (location.hash) select(location.hash.slice(1));
  doc.body.setAttribute("data-nodes", String(doc.querySelectorAll(".tree .node").length));
  doc.body.classList.add("js-ready");
})();
