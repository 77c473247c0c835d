// The allocation grid: live column totals against the plan's target, and keyboard moves between cells.
// Loaded with <script src> (no inline scripts: content security policy); the page works without it.
(function () {
  "use strict";

  function number(value) {
    var text = String(value || "").replace(/\./g, "").trim();
    return /^\d+$/.test(text) ? parseInt(text, 10) : 0;
  }

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function setupGrid(table) {
    var inputs = Array.prototype.slice.call(table.querySelectorAll("input.q"));
    var outputs = table.querySelectorAll("output[data-total-for]");
    var form = table.closest("form");
    var note = form ? form.querySelector("[data-dirty-note]") : null;

    function recompute() {
      var totals = {};
      inputs.forEach(function (input) {
        var col = input.getAttribute("data-col");
        totals[col] = (totals[col] || 0) + number(input.value);
      });
      outputs.forEach(function (output) {
        var col = output.getAttribute("data-total-for");
        var total = totals[col] || 0;
        var target = output.getAttribute("data-target");
        output.textContent = pad(total);
        output.classList.remove("below", "met");
        if (target !== "" && target !== null) {
          output.classList.add(total < parseInt(target, 10) ? "below" : "met");
          output.title = total < parseInt(target, 10) ? "Thấp hơn chỉ tiêu kế hoạch (" + target + ")" : "";
        }
      });
    }

    function cellAt(input, rowStep, colStep) {
      var cell = input.closest("td");
      var row = cell.parentElement;
      var index = Array.prototype.indexOf.call(row.children, cell);
      if (rowStep) {
        var rows = Array.prototype.slice.call(row.parentElement.children);
        var target = rows[rows.indexOf(row) + rowStep];
        return target && target.children[index] ? target.children[index].querySelector("input") : null;
      }
      var next = row.children[index + colStep];
      return next ? next.querySelector("input") : null;
    }

    table.addEventListener("input", function (event) {
      if (event.target.matches("input.q")) {
        recompute();
      }
      if (note) {
        note.hidden = false;
      }
    });

    table.addEventListener("keydown", function (event) {
      var input = event.target;
      if (!input.matches("input")) {
        return;
      }
      var target = null;
      var atStart = input.selectionStart === 0 && input.selectionEnd === 0;
      var atEnd = input.selectionStart === input.value.length;
      if (event.key === "ArrowDown" || (event.key === "Enter" && !event.shiftKey)) {
        target = cellAt(input, 1, 0);
      } else if (event.key === "ArrowUp" || (event.key === "Enter" && event.shiftKey)) {
        target = cellAt(input, -1, 0);
      } else if (event.key === "ArrowRight" && atEnd) {
        target = cellAt(input, 0, 1);
      } else if (event.key === "ArrowLeft" && atStart) {
        target = cellAt(input, 0, -1);
      }
      if (event.key === "Enter") {
        event.preventDefault(); // Enter moves down, like a spreadsheet; the button saves
      }
      if (target) {
        event.preventDefault();
        target.focus();
        target.select();
      }
    });

    if (form) {
      form.addEventListener("submit", function () {
        if (note) {
          note.hidden = true;
        }
      });
    }
    recompute();
  }

  // The target form shows only the fields of the chosen kind (rate fields for a rate, "to" for a range).
  function setupTargetForm(form) {
    var kind = form.querySelector("select[name=kind]");
    if (!kind) {
      return;
    }
    var groups = {
      high: ["range"],
      rate_percent: ["rate"],
      base_as_of: ["rate"],
      base_members: ["rate"],
      confirmed: ["rate"],
      low: ["absolute", "range", "minimum"],
    };
    function update() {
      Object.keys(groups).forEach(function (name) {
        var field = form.querySelector("[name=" + name + "]");
        var box = field ? field.closest(".field") : null;
        if (box) {
          box.hidden = groups[name].indexOf(kind.value) < 0 && !box.classList.contains("has-error");
        }
      });
    }
    kind.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table[data-grid]").forEach(setupGrid);
    document.querySelectorAll("form.target-form").forEach(setupTargetForm);
  });
})();
