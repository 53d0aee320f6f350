import { expect, test } from "bun:test";
import { option, parseFeatures } from "../../src/hot/features.ts";

test("features parse in cargo's spellings", () => {
  expect([...parseFeatures(["--features", "reload"])]).toEqual(["reload"]);
  expect([...parseFeatures(["--features=reload,json"])]).toEqual(["reload", "json"]);
  expect([...parseFeatures(["--features", "reload other"])]).toEqual(["reload", "other"]);
  expect([...parseFeatures(["-F", "reload", "--features", "x"])]).toEqual(["reload", "x"]);
  expect(parseFeatures(["--headless"]).size).toBe(0);
  expect(option(["--log-format", "json"], "log-format")).toBe("json");
  expect(option(["--log-format=json"], "log-format")).toBe("json");
  expect(option([], "log-format")).toBeUndefined();
});
