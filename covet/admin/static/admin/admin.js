/* Covet admin behaviour, no dependencies: action checkboxes, prepopulated slugs, filterable multi-selects,
   autocomplete selects and collapsible fieldsets. Every page works without it. */
(function () {
  "use strict";

  function slugify(text, maxLength) {
    var slug = text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^\w\s-]/g, "").trim().replace(/[-\s_]+/g, "-").replace(/^-+|-+$/g, "");
    return maxLength ? slug.slice(0, maxLength) : slug;
  }

  function initActions() {
    var toggle = document.getElementById("action-toggle");
    var boxes = Array.prototype.slice.call(document.querySelectorAll("input.action-select"));
    var counter = document.querySelector(".action-counter");
    var across = document.querySelector("input.select-across");
    var question = document.querySelector(".select-all-question");
    var allSelected = document.querySelector(".all-selected");
    if (!boxes.length) { return; }
    function setAcross(on) {
      if (across) { across.value = on ? "1" : "0"; }
      if (allSelected) { allSelected.hidden = !on; }
      if (counter) { counter.hidden = on; }
      if (question && on) { question.hidden = true; }
    }
    if (question) {
      question.querySelector("button").addEventListener("click", function () { setAcross(true); });
    }
    if (allSelected) {
      allSelected.querySelector("button").addEventListener("click", function () {
        setAcross(false);
        boxes.forEach(function (box) { box.checked = false; });
        refresh();
      });
    }
    function refresh() {
      var checked = boxes.filter(function (box) { return box.checked; }).length;
      if (checked < boxes.length) { setAcross(false); }
      if (question) { question.hidden = checked !== boxes.length || (across && across.value === "1"); }
      boxes.forEach(function (box) { box.closest("tr").classList.toggle("selected", box.checked); });
      if (counter) { counter.textContent = checked + " of " + boxes.length + " selected"; }
      if (toggle) { toggle.checked = checked === boxes.length; toggle.indeterminate = checked > 0 && checked < boxes.length; }
    }
    if (toggle) {
      toggle.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = toggle.checked; });
        refresh();
      });
    }
    boxes.forEach(function (box) { box.addEventListener("change", refresh); });
    refresh();
  }

  function initPrepopulated() {
    document.querySelectorAll("[data-prepopulated-from]").forEach(function (target) {
      var sources = target.getAttribute("data-prepopulated-from").split(" ")
        .map(function (id) { return document.getElementById(id); }).filter(Boolean);
      var edited = target.value !== "";
      target.addEventListener("input", function () { edited = target.value !== ""; });
      function update() {
        if (edited) { return; }
        var text = sources.map(function (source) { return source.value; }).join(" ");
        target.value = slugify(text, parseInt(target.getAttribute("maxlength") || "50", 10));
      }
      sources.forEach(function (source) { source.addEventListener("input", update); });
    });
  }

  function initFilters() {
    document.querySelectorAll("input.selector-filter").forEach(function (input) {
      var select = document.getElementById(input.getAttribute("data-filter-for"));
      if (!select) { return; }
      input.addEventListener("input", function () {
        var needle = input.value.toLowerCase();
        Array.prototype.forEach.call(select.options, function (option) {
          option.hidden = needle !== "" && option.text.toLowerCase().indexOf(needle) === -1 && !option.selected;
        });
      });
    });
  }

  function initAutocomplete() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var wrapper = document.createElement("div");
      wrapper.className = "autocomplete-wrapper";
      var search = document.createElement("input");
      search.type = "search";
      search.placeholder = "Type to search…";
      search.setAttribute("aria-label", "Search the choices of " + (select.labels && select.labels[0] ? select.labels[0].textContent : select.name));
      search.setAttribute("aria-controls", select.id);
      select.parentNode.insertBefore(wrapper, select);
      wrapper.appendChild(search);
      wrapper.appendChild(select);
      var timer = null;
      function load() {
        var params = new URLSearchParams({
          app_label: select.dataset.appLabel, model_name: select.dataset.modelName,
          field_name: select.dataset.fieldName, term: search.value
        });
        fetch(select.dataset.autocompleteUrl + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            var chosen = Array.prototype.filter.call(select.options, function (option) { return option.selected && option.value; });
            var keep = {};
            chosen.forEach(function (option) { keep[option.value] = true; });
            Array.prototype.slice.call(select.options).forEach(function (option) {
              if (option.value && !keep[option.value]) { option.remove(); }
            });
            data.results.forEach(function (item) {
              if (!keep[item.id]) { select.add(new Option(item.text, item.id)); }
            });
          });
      }
      search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(load, 200); });
      search.addEventListener("focus", function () { if (select.options.length <= 2) { load(); } }, { once: true });
    });
  }

  function initCollapse() {
    document.querySelectorAll("fieldset[data-collapse]").forEach(function (fieldset) {
      var heading = fieldset.querySelector("legend h2");
      if (!heading) { return; }
      var hasErrors = fieldset.querySelector(".errorlist li");
      if (!hasErrors) { fieldset.classList.add("collapsed"); }
      heading.setAttribute("role", "button");
      heading.setAttribute("tabindex", "0");
      heading.setAttribute("aria-expanded", String(!fieldset.classList.contains("collapsed")));
      function flip() {
        fieldset.classList.toggle("collapsed");
        heading.setAttribute("aria-expanded", String(!fieldset.classList.contains("collapsed")));
      }
      heading.addEventListener("click", flip);
      heading.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); flip(); }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initActions();
    initPrepopulated();
    initFilters();
    initAutocomplete();
    initCollapse();
  });
}());
