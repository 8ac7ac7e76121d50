/* studyapp study screen: keyboard shortcuts (answering.js does the shared work).
 *
 *   Space / Enter  show the answer
 *   1 2 3 4        Again / Hard / Good / Easy (once the answer is shown)
 *   U              undo the last answer
 */
(function () {
  "use strict";

  var answering = window.studyappAnswering;
  var answer = document.getElementById("answer");
  var ratingForm = document.getElementById("rating-form");
  var undoForm = document.getElementById("undo-form");

  answering.focusBackWhenOpened(answer);
  var submit = answering.oneSubmissionAt([ratingForm, undoForm]);

  document.addEventListener("keydown", function (event) {
    if (!answering.isShortcut(event) || answering.revealOnKey(event, answer)) return;
    if (event.repeat) return;
    var key = event.key;
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
