// 全选本页: ticks every row checkbox of the listing (they belong to the bulk-publish form).
(function () {
  var all = document.querySelector("[data-bulk-select-all]");
  if (!all) return;
  all.addEventListener("change", function () {
    document.querySelectorAll("[data-bulk-select]").forEach(function (box) { box.checked = all.checked; });
  });
})();
