/* What the study and quiz screens share: answer timing, the answer disclosure,
 * one submission at a time, and which key presses the page may take.
 *
 * Loaded before study.js or quiz.js, which read it as window.studyappAnswering.
 * Everything here is an enhancement: without JavaScript the answer opens with
 * its <details> disclosure and every answer is a plain submit button.
 */
window.studyappAnswering = (function () {
  "use strict";

  function now() {
    return window.performance ? performance.now() : Date.now();
  }

  /* Milliseconds since the page was shown, for the answer's duration_ms. */
  var shownAt = now();
  function elapsedMs() {
    return Math.max(0, Math.round(now() - shownAt));
  }

  function isTyping(target) {
    if (!target || !target.tagName) return false;
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  /* Whether a key press is the page's shortcut to take: no modifier, not typed
   * into a field, not already handled. */
  function isShortcut(event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return false;
    return !isTyping(event.target);
  }

  /* Enter and Space keep their own meaning on links and buttons (but not on the
   * "Show answer" disclosure itself, which they open anyway). */
  function isOtherControl(target) {
    if (!target || !target.closest) return false;
    var control = target.closest("a, button, summary, input, select, textarea");
    return Boolean(control) && !control.classList.contains("answer__reveal");
  }

  /* Space or Enter on a closed answer opens it; returns whether the key was taken. */
  function revealOnKey(event, answer) {
    var key = event.key;
    if ((key !== " " && key !== "Enter") || !answer || answer.open) return false;
    if (isOtherControl(event.target)) return false;
    event.preventDefault();
    if (!event.repeat) answer.open = true;
    return true;
  }

  /* Once the answer opens, the card's back takes the focus and comes into view. */
  function focusBackWhenOpened(answer) {
    if (!answer) return;
    answer.addEventListener("toggle", function () {
      if (!answer.open) return;
      var back = document.getElementById("card-back");
      if (back) back.focus({ preventScroll: true });
      answer.scrollIntoView({ block: "nearest", behavior: "smooth" });
    });
  }

  /* One submission among ``forms`` at a time: a double click or a repeated key
   * sends nothing twice. Each submission carries the time spent on the page;
   * coming back with the browser's Back button (the page from cache) allows
   * answering again, and the server recognises a repeated answer anyway. */
  function oneSubmissionAt(forms) {
    var submitting = false;
    forms = forms.filter(Boolean);
    forms.forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (submitting) {
          event.preventDefault();
          return;
        }
        submitting = true;
        var duration = form.querySelector("input[name=duration_ms]");
        if (duration) duration.value = String(elapsedMs());
        form.classList.add("is-submitting");
      });
    });
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) return;
      submitting = false;
      forms.forEach(function (form) {
        form.classList.remove("is-submitting");
      });
    });
    return function submit(form, submitter) {
      if (submitting) return;
      if (typeof form.requestSubmit === "function") {
        form.requestSubmit(submitter || undefined);
      } else if (submitter) {
        submitter.click();
      } else {
        form.submit();
      }
    };
  }

  return {
    isShortcut: isShortcut,
    revealOnKey: revealOnKey,
    focusBackWhenOpened: focusBackWhenOpened,
    oneSubmissionAt: oneSubmissionAt,
  };
})();
