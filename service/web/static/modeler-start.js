// Starts the modeler with the page's options (a JSON block: the pages allow no inline script).
startModeler({
  ...JSON.parse(document.getElementById('modeler-options').textContent),
  files: JSON.parse(document.getElementById('start-files').textContent),
});
