/* studyapp quiz pages: keyboard shortcuts (answering.js does the shared work).
 *
 *   Space / Enter  show the answer (flip-and-rate questions)
 *   1 2 3 4        Again / Hard / Good / Easy once the answer is shown,
 *                  or the numbered option of a multiple-choice question
 */
(function () {
  "use strict";

  var answering = window.studyappAnswering;
  var answer = document.getElementById("answer");
  var form = document.getElementById("quiz-form");
  if (!form) return;

  answering.focusBackWhenOpened(answer);
  var submit = answering.oneSubmissionAt([form]);

  document.addEventListener("keydown", function (event) {
    if (!answering.isShortcut(event) || answering.revealOnKey(event, answer)) return;
    var key = event.key;
    if (event.repeat || !/^[1-9]$/.test(key)) return;
    var button = null;
    if (answer) {
      if (answer.open) button = form.querySelector('button[name="rating"][value="' + key + '"]');
    } else {
      button = form.querySelector('button[name="concept_id"][data-key="' + key + '"]');
    }
    if (button) {
      event.preventDefault();
      submit(form, button);
    }
  });
})();
