"""The platforms the course runs on: nbgrader (a course folder, the commands, the plugin that
keeps released test cells) and Gradescope (the autograder zip and its entry point)."""
