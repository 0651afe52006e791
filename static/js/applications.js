// Draft application page (a stepper of sections): live preview of each budget line (quantity × unit rate for
// standard unit costs, the amount for real costs; the server computes and stores the amounts, flat rates and
// totals when the section is saved, this only shows the arithmetic while typing); after htmx swaps a step, the
// focus goes to the first field in error, else the message of the save, else the step's heading; an address
// with only a section's anchor (#documenti) opens that step. Loaded as a file: inline scripts are not allowed.
(function () {
  "use strict";

  function roundCents(value) {
    return Math.round((value + Number.EPSILON) * 100) / 100;
  }

  // The same writing as the server's (grants.core.money.format_eur): 1.234.567,89 €.
  function group(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }
  var money = {
    format: function (value) {
      var parts = value.toFixed(2).split(".");
      return group(parts[0]) + "," + parts[1] + " €";
    }
  };
  var number = {
    format: function (value) {
      var parts = String(roundCents(value)).split(".");
      return group(parts[0]) + (parts[1] ? "," + parts[1] : "");
    }
  };

  // "1.234,56" or "1234,56" or "1234.56" -> 1234.56; anything else -> NaN.
  function parse(text) {
    var value = (text || "").trim().replace(/\s/g, "");
    if (!value) return NaN;
    if (value.indexOf(",") !== -1) value = value.replace(/\./g, "").replace(",", ".");
    if (!/^\d+(\.\d+)?$/.test(value)) return NaN;
    return parseFloat(value);
  }

  function update(line) {
    var select = line.querySelector("[data-budget-category]");
    var quantity = line.querySelector("[data-budget-quantity]");
    var amount = line.querySelector("[data-budget-amount]");
    var preview = line.querySelector("[data-budget-preview]");
    if (!select || !preview) return;
    var option = select.options[select.selectedIndex];
    var costOption = option ? option.getAttribute("data-cost-option") : null;
    var text = "";
    if (costOption === "unit_cost") {
      var rate = parseFloat(option.getAttribute("data-unit-rate"));
      var qty = parse(quantity && quantity.value);
      if (!isNaN(qty) && !isNaN(rate)) {
        text = number.format(qty) + " × " + money.format(rate) + " = " + money.format(roundCents(qty * rate));
      } else {
        text = "Voce a costo unitario: indicare la quantità (" + money.format(rate) + " per unità).";
      }
    } else if (costOption === "real") {
      var value = parse(amount && amount.value);
      text = isNaN(value) ? "Voce a costi reali: indicare l'importo." : "Importo: " + money.format(value);
    }
    preview.textContent = text;
  }

  // Delegated: the lines swapped in by htmx (a save, a step, a page restored from history) need no binding.
  function onEdit(event) {
    var line = event.target.closest && event.target.closest("[data-budget-line]");
    if (line) update(line);
  }
  document.addEventListener("input", onEdit);
  document.addEventListener("change", onEdit);

  function updateAll() {
    document.querySelectorAll("[data-budget-line]").forEach(update);
  }

  function focusStep(panel) {
    var target = panel.querySelector("[aria-invalid=true]") || panel.querySelector("[data-step-focus]");
    if (!target) {
      target = panel.querySelector("h2");
      if (target) target.setAttribute("tabindex", "-1");
    }
    if (target) target.focus({ preventScroll: false });
  }

  updateAll();
  document.body.addEventListener("htmx:historyRestore", updateAll);
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var element = event.detail.elt;
    updateAll();
    // The step swapped (outerHTML: the old element is gone) or the stepper holding it; not the out-of-band
    // parts (panel, nav), which leave the focus where it is.
    var panel = document.querySelector("[data-step-panel]");
    if (!element || !panel) return;
    if (!element.isConnected || element === panel || element.contains(panel)) focusStep(panel);
  });

  // An old link to a section's anchor (/domande/1/#documenti) opens that step.
  var hash = window.location.hash.slice(1);
  var params = new URLSearchParams(window.location.search);
  var navItem = hash && document.querySelector('#stepper-nav [data-step="' + CSS.escape(hash) + '"]');
  if (navItem && !params.has("sezione") && !navItem.querySelector("[aria-current]")) {
    params.set("sezione", hash);
    window.location.replace(window.location.pathname + "?" + params.toString() + "#" + hash);
  }
})();
