// Progressive enhancement only: every control also works without this script (links reload the
// page with the modal open). With it, modals open in place and server-opened ones become modal.
document.addEventListener("DOMContentLoaded", () => {
  for (const dialog of document.querySelectorAll("dialog[open]")) {
    dialog.close();
    dialog.showModal();
  }
  document.addEventListener("click", (event) => {
    const copier = event.target.closest("button[data-copy]");
    if (copier) {
      const text = document.getElementById(copier.dataset.copy).textContent;
      navigator.clipboard.writeText(text).then(() => { copier.textContent = "Copied"; });
      return;
    }
    const opener = event.target.closest("a[data-dialog]");
    if (!opener) return;
    const dialog = document.getElementById(opener.dataset.dialog);
    if (!dialog) return;
    event.preventDefault();
    dialog.showModal();
  });
});
