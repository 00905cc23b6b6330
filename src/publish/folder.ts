import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { makeFolders, OutputPathError, writeFileAtomically } from "../files/index.ts";

/**
 * The file that marks a folder as a course netreel wrote. A course folder receives index.html
 * and each scene's files under the scene's name: written into a folder of the user's own (`--out
 * docs`, `--out .`) they could replace an index.html or a picture that happens to share a scene's
 * name. So netreel writes a course only into a folder it made (and marked), or an empty one.
 */
export const COURSE_MARK = ".netreel-course";

const MARK_TEXT = `This folder holds a course rendered by netreel (netreel render-all).
netreel writes here only because this file is here: index.html, and each scene's
<name>.mp4, .gif, .vtt, .png and .json, every one replaced whole by a rename.
Files of your own here are left alone, but keep them elsewhere: a scene of the same name would
replace them. Without this file netreel refuses to write into a folder that is not empty.
`;

/**
 * Refuses, before any work, a course folder netreel must not write: a file, or a folder that
 * holds anything and was not made by netreel (no COURSE_MARK).
 */
export function checkCourseFolder(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) {
    throw new OutputPathError(
      `${dir} is a file; the course goes to a folder: give --out a folder name, e.g. output/course`,
    );
  }
  const names = readdirSync(dir);
  if (names.length === 0 || names.includes(COURSE_MARK)) return;
  const shown = names.sort().slice(0, 3).join(", ");
  throw new OutputPathError(
    `${dir} holds files netreel did not write (${shown}${names.length > 3 ? ", ..." : ""}); a course is written only into a new or empty folder, or one an earlier render-all made: choose another --out, e.g. output/course`,
  );
}

/** Makes the course folder (checked by `checkCourseFolder`) and marks it as netreel's. */
export function claimCourseFolder(dir: string): void {
  checkCourseFolder(dir);
  makeFolders(dir);
  const mark = path.join(dir, COURSE_MARK);
  if (!existsSync(mark)) writeFileAtomically(mark, MARK_TEXT);
}
