"""The flows that move a case across the domain packages: start a case, complete a step, fire a timer,
deliver a message, publish a process, send a secure link, and everything a step leaves behind (the task
projection, notifications, the decision record, the letter). Pages, the API and the workers call these;
no domain package imports them."""
