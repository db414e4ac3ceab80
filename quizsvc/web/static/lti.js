// LTI platform storage (the "LTI Client Side postMessages" of 1EdTech): inside the LMS's
// frame, where the browser may drop this tool's cookies, the OIDC state is kept by the
// platform's window instead. The login page stores it (lti.put_data) before going on to the
// platform; the launch's confirm page reads it back (lti.get_data) and posts it to the server.
(function () {
  "use strict";
  // Deep Linking's answer: the signed response goes back to the LMS by a form post.
  var answer = document.getElementById("lti-deep-link-return");
  if (answer) answer.submit();
})();
(function () {
  "use strict";
  var box = document.getElementById("lti-storage");
  if (!box) return;
  var TIMEOUT_MS = 2000;

  function storageFrame(name) {
    var parent = window.parent !== window ? window.parent : window.opener;
    if (!parent) return null;
    if (!name || name === "_parent") return parent;
    try {
      return parent.frames[name] || parent;
    } catch (e) {
      return parent;
    }
  }

  // One request to the platform; resolves with its response, or null (no answer, an error).
  function ask(message) {
    return new Promise(function (resolve) {
      var frame = storageFrame(box.dataset.target);
      if (!frame) return resolve(null);
      var id = "quizsvc-" + Math.random().toString(36).slice(2);
      var timer = setTimeout(function () { done(null); }, TIMEOUT_MS);
      function done(value) {
        clearTimeout(timer);
        window.removeEventListener("message", listen);
        resolve(value);
      }
      function listen(event) {
        var data = event.data || {};
        if (event.origin !== box.dataset.origin || data.message_id !== id) return;
        done(data.error ? null : data);
      }
      window.addEventListener("message", listen);
      message.message_id = id;
      frame.postMessage(message, box.dataset.origin);
    });
  }

  if (box.dataset.mode === "login") {
    ask({ subject: "lti.put_data", key: box.dataset.key, value: box.dataset.value })
      .then(function () { window.location.replace(box.dataset.next); });
  } else if (box.dataset.mode === "confirm") {
    ask({ subject: "lti.get_data", key: box.dataset.key }).then(function (answer) {
      if (!answer || typeof answer.value !== "string") {
        document.getElementById("lti-storage-failed").hidden = false;
        return;
      }
      var form = document.getElementById("lti-confirm");
      form.elements.stored_state.value = answer.value;
      form.submit();
    });
  }
})();
