// Sends the signed SAML request to the identity provider as soon as the page loads (the button stays as fallback).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("saml-post-binding");
  if (form) {
    form.submit();
  }
});
