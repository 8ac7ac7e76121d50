/* studyapp quiz pages: keyboard shortcuts, answer timing, one submission per question.
 *
 * Everything here is an enhancement: without JavaScript the answer opens with
 * its <details> disclosure and every answer is a plain submit button.
 *   Space / Enter  show the answer (flip-and-rate questions)
 *   1 2 3 4        Again / Hard / Good / Easy once the answer is shown,
 *                  or the numbered option of a multiple-choice question
 */
(function () {
  "use strict";

  var shownAt = window.performance ? performance.now() : Date.now();
  var answer = document.getElementById("answer");
  var form = document.getElementById("quiz-form");
  var submitting = false;

  if (!form) return;

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

  function submit(submitter) {
    if (submitting) return;
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit(submitter);
    } else {
      submitter.click();
    }
  }

  if (answer) {
    answer.addEventListener("toggle", function () {
      if (!answer.open) return;
      var back = document.getElementById("card-back");
      if (back) back.focus({ preventScroll: true });
      answer.scrollIntoView({ block: "nearest", behavior: "smooth" });
    });
  }

  form.addEventListener("submit", function (event) {
    if (submitting) {
      event.preventDefault();
      return;
    }
    submitting = true;
    var duration = form.querySelector("input[name=duration_ms]");
    if (duration) duration.value = String(elapsed());
    form.classList.add("is-submitting");
  });

  // Back from the next page shows this one from cache: allow answering again
  // (the server returns the stored answer of a question already answered).
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      submitting = false;
      form.classList.remove("is-submitting");
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (isTyping(event.target)) return;
    var key = event.key;

    if ((key === " " || key === "Enter") && answer && !answer.open) {
      if (isOtherControl(event.target)) return;
      event.preventDefault();
      if (!event.repeat) answer.open = true;
      return;
    }
    if (event.repeat || !/^[1-9]$/.test(key)) return;
    var button = null;
    if (answer) {
      if (answer.open) button = form.querySelector('button[name="rating"][value="' + key + '"]');
    } else {
      button = form.querySelector('button[name="concept_id"][data-key="' + key + '"]');
    }
    if (button) {
      event.preventDefault();
      submit(button);
    }
  });
})();
