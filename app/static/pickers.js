/* Type-ahead pickers (forms/pickers.py): every <select data-picker="KIND"> becomes a WAI-ARIA combobox (Tom Select,
   vendored under vendor/tom-select) that searches GET /api/v1/lookup/KIND?q= as one types. The select holds only
   the records already chosen; the server checks every value against the caller's scope when the form is posted.
   A list's filter is an <input data-picker="KIND"> holding one record's key (its label in data-label): the same
   combobox, sending the key. data-fixed lists the choices that are no record ("Nobody", "Me").

   Loaded on every page (small); Tom Select itself is fetched only by a page that has a picker. Without this script
   the select and its text box (`.picker-typed`, same name: a name or number typed there is looked up on posting)
   work as they are. `window.palermoPickers.init(root)` sets up the pickers inside `root` (a row added in place). */
(function () {
  "use strict";
  var me = document.currentScript;
  var base = me ? me.src.replace(/pickers\.js(\?.*)?$/, "vendor/tom-select/") : "/static/vendor/tom-select/";
  var loading = null;

  function loadLibrary() {
    if (window.TomSelect) { return Promise.resolve(); }
    if (loading) { return loading; }
    loading = new Promise(function (resolve, reject) {
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = base + "tom-select.bootstrap5.min.css";
      document.head.appendChild(css);
      var script = document.createElement("script");
      script.src = base + "tom-select.complete.min.js";
      script.onload = function () { resolve(); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
    return loading;
  }

  // Choices that name no record ("Nobody", "Me"): offered first, when what is typed is part of their label.
  function fixedItems(select, query) {
    var fixed = [];
    try { fixed = JSON.parse(select.getAttribute("data-fixed") || "[]"); } catch (e) { fixed = []; }
    var wanted = (query || "").toLowerCase();
    return fixed.filter(function (item) { return item.label.toLowerCase().indexOf(wanted) >= 0; });
  }

  // A list's filter (an <input data-picker>): one record, its key in the box, its label in data-label.
  function filterOptions(input) {
    var value = input.value;
    var options = fixedItems(input, "");
    if (value && !options.some(function (item) { return item.id === value; })) {
      options.push({id: value, label: input.getAttribute("data-label") || value});
    }
    return {options: options, items: value ? [value] : []};
  }

  function setUp(select) {
    if (select.tomselect || select.closest("template")) { return; }
    var typed = select.parentNode.querySelector(".picker-typed");
    if (typed) { typed.parentNode.removeChild(typed); }  // the combobox takes names: the text box would post twice
    var url = select.getAttribute("data-lookup");
    var asked = url + (url.indexOf("?") < 0 ? "?" : "&") + "q=";
    var isFilter = select.tagName === "INPUT";
    var multiple = select.multiple;
    var settings = {
      create: false,
      valueField: "id",
      labelField: "label",
      searchField: [],
      // The server has searched and ordered: keep its order, filter nothing out.
      score: function () { return function () { return 1; }; },
      placeholder: select.getAttribute("data-placeholder") || "",
      // The "none" option of a single picker is its placeholder and a clear button, not an option to land on.
      // Their titles in the page's language (Tom Select's own are English).
      plugins: multiple ? {remove_button: {title: select.getAttribute("data-remove") || "Remove"}}
                        : {clear_button: {title: select.getAttribute("data-clear") || "Clear"}},
      maxOptions: 50,
      preload: "focus",
      loadThrottle: 200,
      allowEmptyOption: false,
      closeAfterSelect: !multiple,
      hidePlaceholder: false,
      shouldLoad: function () { return true; },
      load: function (query, callback) {
        var self = this;
        fetch(asked + encodeURIComponent(query.slice(0, 100)), {
          credentials: "same-origin", headers: {"Accept": "application/json"}
        }).then(function (response) {
          return response.ok ? response.json() : {items: []};
        }).then(function (body) {
          // An answer to an earlier text (the one asked on focus, say) that arrives late is dropped: it would
          // replace the answer to what is typed now.
          if (self.inputValue() !== query) { callback(); return; }
          self.clearOptions();
          callback(fixedItems(select, query).concat(body.items || []));
        }).catch(function () { callback(); });
      },
      render: {
        no_results: function (data, escape) { return '<div class="no-results">' + escape(select.getAttribute("data-no-results") || "") + '</div>'; },
        loading: function (data, escape) { return '<div class="spinner-border spinner-border-sm m-2" role="status"><span class="visually-hidden">' + escape(select.getAttribute("data-searching") || "") + '</span></div>'; }
      }
    };
    if (isFilter) {
      var initial = filterOptions(select);
      settings.options = initial.options;
      settings.items = initial.items;
      settings.maxItems = 1;
    }
    var picker = new window.TomSelect(select, settings);
    // The label now names the combobox (Tom Select points it there): its help and error go with it, and the
    // select it stands for, out of the tab order, is hidden from assistive technology (one control, one name).
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (select.hasAttribute(name)) { picker.control_input.setAttribute(name, select.getAttribute(name)); }
    });
    select.setAttribute("aria-hidden", "true");
  }

  function init(root) {
    var selects = (root || document).querySelectorAll("select[data-picker], input[data-picker]");
    if (!selects.length) { return Promise.resolve(); }
    return loadLibrary().then(function () {
      for (var i = 0; i < selects.length; i++) { setUp(selects[i]); }
    });
  }

  window.palermoPickers = {init: init};
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
