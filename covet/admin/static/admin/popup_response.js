/* Loaded by admin/popup_response.html in a "+" popup once its object is saved: hand the object to the window
   that opened the popup (admin.js there adds it to the select and closes this window). */
(function () {
  "use strict";
  var script = document.getElementById("popup-response-data");
  var data = JSON.parse(script.getAttribute("data-popup-response"));
  var opener = window.opener;
  if (opener && !opener.closed && opener.covetAdmin) {
    opener.covetAdmin.dismissAddRelatedObjectPopup(window, data.value, data.obj);
  }
}());
