// Photos on a slow network: before a form with data-shrink-photos is sent, each photo is made
// smaller in the browser (longest side 1,600 px, JPEG) and the form is sent with a progress bar.
// Without JavaScript, or in a browser without createImageBitmap, the form is sent as it is; the
// server re-encodes every image and strips its metadata either way. No request leaves this site.
(function () {
  "use strict";
  var LONGEST = 1600;
  var QUALITY = 0.82;
  var SHRINKABLE = /^image\/(jpeg|png|webp|bmp)$/;

  function shrink(file) {
    if (!SHRINKABLE.test(file.type) || !window.createImageBitmap) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, LONGEST / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          // Keep the original when shrinking would not make it smaller.
          resolve(blob && blob.size < file.size ? blob : file);
        }, "image/jpeg", QUALITY);
      });
    }).catch(function () {
      return file;
    });
  }

  function show(form, text, value) {
    var box = form.querySelector(".upload-progress");
    box.hidden = false;
    box.querySelector("[data-status]").textContent = text;
    var bar = box.querySelector("progress");
    if (value === null) {
      bar.removeAttribute("value");
    } else {
      bar.value = value;
    }
  }

  function send(form, data) {
    var texts = form.dataset;
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        var percent = Math.round((100 * event.loaded) / event.total);
        show(form, texts.sending.replace("{percent}", percent + "\u00a0%"), percent);
      }
    });
    request.addEventListener("load", function () {
      // The answer is a whole page (the receipt, or the form with what to fix): show it.
      document.open();
      document.write(request.responseText);
      document.close();
      window.scrollTo(0, 0);
    });
    request.addEventListener("error", function () {
      show(form, texts.failed, 0);
      form.querySelectorAll("button").forEach(function (button) { button.disabled = false; });
    });
    request.send(data);
  }

  document.querySelectorAll("form[data-shrink-photos]").forEach(function (form) {
    form.insertAdjacentHTML(
      "beforeend",
      '<div class="upload-progress" hidden><progress max="100"></progress>' +
        '<p data-status role="status"></p></div>'
    );
    form.querySelector(".upload-progress progress").setAttribute("aria-label", form.dataset.progress);
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      var input = form.querySelector("input[type=file]");
      // "Change" buttons go elsewhere, and a form without files needs no help.
      if ((submitter && submitter.hasAttribute("formaction")) || !input || !input.files.length ||
          !window.FormData || !window.Promise) {
        return;
      }
      event.preventDefault();
      form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
      show(form, form.dataset.preparing, null);
      var files = Array.prototype.slice.call(input.files);
      Promise.all(files.map(shrink)).then(function (shrunk) {
        var data = new FormData(form);
        data.delete(input.name);
        shrunk.forEach(function (file, index) {
          var name = file === files[index] ? files[index].name : "photo-" + (index + 1) + ".jpg";
          data.append(input.name, file, name);
        });
        if (submitter && submitter.name) {
          data.append(submitter.name, submitter.value);
        }
        send(form, data);
      });
    });
  });
})();
