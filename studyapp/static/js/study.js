/* studyapp study screen: keyboard shortcuts and answer timing.
 *
 * Everything here is an enhancement: without JavaScript the answer opens with
 * its <details> disclosure and the rating buttons are plain submit buttons.
 *   Space / Enter  show the answer
 *   1 2 3 4        Again / Hard / Good / Easy (once the answer is shown)
 *   U              undo the last answer
 */
(function () {
  "use strict";

  var shownAt = window.performance ? performance.now() : Date.now();
  var answer = document.getElementById("answer");
  var ratingForm = document.getElementById("rating-form");
  var undoForm = document.getElementById("undo-form");
  var submitting = false;

  function elapsed() {
    var current = window.performance ? performance.now() : Date.now();
    return Math.max(0, Math.round(current - shownAt));
  }

  function isTyping(target) {
    if (!target || !target.tagName) return false;
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  function isOtherControl(target) {
    // Enter and Space keep their own meaning on links and buttons (but not on
    // the "Show answer" disclosure itself, which they open anyway).
    if (!target || !target.closest) return false;
    var control = target.closest("a, button, summary, input, select, textarea");
    return Boolean(control) && !control.classList.contains("answer__reveal");
  }

  function submit(form, submitter) {
    if (submitting) return;
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit(submitter || undefined);
    } else if (submitter) {
      submitter.click();
    } else {
      form.submit();
    }
  }

  function reveal() {
    if (answer && !answer.open) answer.open = true;
  }

  if (answer) {
    answer.addEventListener("toggle", function () {
      if (!answer.open) return;
      var back = document.getElementById("card-back");
      if (back) back.focus({ preventScroll: true });
      answer.scrollIntoView({ block: "nearest", behavior: "smooth" });
    });
  }

  function markSubmitting(form) {
    return function (event) {
      if (submitting) {
        event.preventDefault();
        return;
      }
      submitting = true;
      var duration = form.querySelector("input[name=duration_ms]");
      if (duration) duration.value = String(elapsed());
      form.classList.add("is-submitting");
    };
  }

  if (ratingForm) ratingForm.addEventListener("submit", markSubmitting(ratingForm));
  if (undoForm) undoForm.addEventListener("submit", markSubmitting(undoForm));

  // Coming back with the browser's Back button shows this page from cache:
  // allow answering again (the server recognises a repeated answer anyway).
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      submitting = false;
      if (ratingForm) ratingForm.classList.remove("is-submitting");
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (isTyping(event.target)) return;
    var key = event.key;

    if ((key === " " || key === "Enter") && answer && !answer.open) {
      if (isOtherControl(event.target)) return;
      event.preventDefault();
      if (!event.repeat) reveal();
      return;
    }
    if (event.repeat) return;
    if (/^[1-4]$/.test(key) && answer && answer.open && ratingForm) {
      var button = ratingForm.querySelector('button[name="rating"][value="' + key + '"]');
      if (button) {
        event.preventDefault();
        submit(ratingForm, button);
      }
      return;
    }
    if ((key === "u" || key === "U") && undoForm) {
      event.preventDefault();
      submit(undoForm, null);
    }
  });
})();
