/* Covet admin behaviour, no dependencies: action checkboxes, prepopulated slugs, filterable multi-selects,
   two-box multi-selects (filter_horizontal / filter_vertical), "+" related-object popups, autocomplete selects
   and collapsible fieldsets. Every page works without it. */
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

  /* filter_horizontal / filter_vertical: two lists, available and chosen, drawn from the <select multiple>,
     which stays in the form (hidden) and is what is submitted: choosing an option selects it there. */
  function initTwoBox() {
    document.querySelectorAll("[data-two-box]").forEach(function (wrapper) {
      var select = wrapper.querySelector("select[multiple]");
      if (!select || !select.id || select.disabled) { return; }  // read-only: the plain select shows the choice
      var noun = wrapper.getAttribute("data-verbose-name") || select.name;
      var vertical = wrapper.getAttribute("data-two-box") === "vertical";
      Array.prototype.forEach.call(wrapper.children, function (child) { child.hidden = true; });
      select.hidden = true;

      function element(tag, attrs, text) {
        var node = document.createElement(tag);
        Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
        if (text) { node.textContent = text; }
        return node;
      }
      var available = element("div", { "class": "selector-available" });
      available.appendChild(element("h3", { id: select.id + "_from_title" }, "Available " + noun));
      var filter = element("input", { type: "search", id: select.id + "_input", "class": "selector-two-box-filter",
        placeholder: "Filter", "aria-label": "Filter the available " + noun });
      var from = element("select", { multiple: "", id: select.id + "_from", "class": "filtered",
        "aria-labelledby": select.id + "_from_title" });
      var chooseAll = element("button", { type: "button", "class": "selector-chooseall button", id: select.id + "_add_all_link" }, "Choose all");
      available.appendChild(filter);
      available.appendChild(from);
      available.appendChild(chooseAll);

      var arrows = element("div", { "class": "selector-chooser" });
      var add = element("button", { type: "button", "class": "selector-add button", id: select.id + "_add_link",
        title: "Choose the selected " + noun, "aria-label": "Choose" }, vertical ? "↓" : "→");
      var remove = element("button", { type: "button", "class": "selector-remove button", id: select.id + "_remove_link",
        title: "Remove the selected " + noun, "aria-label": "Remove" }, vertical ? "↑" : "←");
      arrows.appendChild(add);
      arrows.appendChild(remove);

      var chosen = element("div", { "class": "selector-chosen" });
      chosen.appendChild(element("h3", { id: select.id + "_to_title" }, "Chosen " + noun));
      var to = element("select", { multiple: "", id: select.id + "_to", "class": "filtered",
        "aria-labelledby": select.id + "_to_title" });
      var removeAll = element("button", { type: "button", "class": "selector-clearall button", id: select.id + "_remove_all_link" }, "Remove all");
      chosen.appendChild(to);
      chosen.appendChild(removeAll);

      var box = element("div", { "class": "selector-two-box-ui" });
      box.appendChild(available);
      box.appendChild(arrows);
      box.appendChild(chosen);
      wrapper.appendChild(box);
      document.querySelectorAll("label[for='" + select.id + "']").forEach(function (label) { label.htmlFor = from.id; });

      function draw() {
        var needle = filter.value.toLowerCase();
        from.textContent = "";
        to.textContent = "";
        Array.prototype.forEach.call(select.options, function (option) {
          if (!option.value) { return; }
          if (option.selected) {
            to.add(new Option(option.text, option.value));
          } else if (needle === "" || option.text.toLowerCase().indexOf(needle) !== -1) {
            from.add(new Option(option.text, option.value));
          }
        });
        chooseAll.disabled = from.options.length === 0;
        removeAll.disabled = to.options.length === 0;
      }
      function move(list, choose, everything) {
        var keys = {};
        Array.prototype.forEach.call(list.options, function (option) {
          if (everything || option.selected) { keys[option.value] = true; }
        });
        Array.prototype.forEach.call(select.options, function (option) {
          if (keys[option.value]) { option.selected = choose; }
        });
        draw();
      }
      add.addEventListener("click", function () { move(from, true, false); });
      remove.addEventListener("click", function () { move(to, false, false); });
      chooseAll.addEventListener("click", function () { move(from, true, true); });
      removeAll.addEventListener("click", function () { move(to, false, true); });
      from.addEventListener("dblclick", function () { move(from, true, false); });
      to.addEventListener("dblclick", function () { move(to, false, false); });
      filter.addEventListener("input", draw);
      filter.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); move(from, true, from.options.length === 1); }
      });
      select.addEventListener("change", draw);  // an option added by a "+" popup
      draw();
    });
  }

  /* "+" next to a relation select: the related model's add form in a popup window named after the select; the
     popup's response page calls dismissAddRelatedObjectPopup here once the new object is saved. */
  var POPUP_PREFIX = "covet_popup__";

  function initRelatedPopups() {
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[data-popup]") : null;
      if (!link) { return; }
      event.preventDefault();
      var selectId = link.id.replace(/^add_/, "");
      var popup = window.open(link.href, POPUP_PREFIX + selectId, "height=560,width=820,resizable=yes,scrollbars=yes");
      if (popup) { popup.focus(); }
    });
  }

  function dismissAddRelatedObjectPopup(popup, value, text) {
    var select = document.getElementById(popup.name.slice(POPUP_PREFIX.length));
    if (select) {
      var option = new Option(text, value, true, true);
      select.add(option);
      if (!select.multiple) { select.value = value; }
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    popup.close();
  }

  window.covetAdmin = { dismissAddRelatedObjectPopup: dismissAddRelatedObjectPopup };

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
    initTwoBox();
    initRelatedPopups();
    initAutocomplete();
    initCollapse();
  });
}());
