// The access date of a formatted reference («дата обращения», «қаралған күні», ГОСТ's
// dd.mm.yyyy) is printed as the date of the version; for the reader it becomes the day
// they have the page open. Without scripts the version's date stays, and the page says
// to put the day of reading.
document.addEventListener("DOMContentLoaded", () => {
  const today = new Date();
  const two = (n) => String(n).padStart(2, "0");
  const text = `${two(today.getDate())}.${two(today.getMonth() + 1)}.${today.getFullYear()}`;
  for (const date of document.querySelectorAll(".formatted-reference .access-date")) {
    date.textContent = text;
  }
});
