#include "model/training_set.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "dataset/scene.h"
#include "dataset/store.h"
#include "model/instructions.h"
#include "object/mjcf_object.h"
#include "object/object_source.h"

namespace dexvlg {

Cloud ViewCloud(const SceneView& view) {
  Cloud cloud;
  cloud.xyz = view.points;
  cloud.rgb = view.colors;
  cloud.labels = view.labels;
  return cloud;
}

std::string ObjectKey(const std::string& source) {
  namespace fs = std::filesystem;
  fs::path p(source);
  while (!p.empty() && p.filename().empty()) p = p.parent_path();  // a trailing slash
  if (source.find('/') == std::string::npos) return source;        // procedural or bare name
  // an object folder's own file stands for the folder, so that a folder and the file it
  // resolves to (generate lists folders as their files) are one object: YCB's textured.obj,
  // GRAB's apple.stl, BiGym's spatula.xml
  const std::string file = p.filename().string();
  if (IsMeshFileName(file) || IsMjcfObjectFile(p.string())) {
    const std::string stem = p.stem().string();
    if (stem == "textured" || stem == "model" || stem == "mesh" || stem == "merged") {
      return p.parent_path().filename().string();
    }
    std::error_code ec;
    int objects = 0;  // files of the folder that each could be an object
    for (const auto& e : fs::directory_iterator(p.parent_path(), ec)) {
      objects += e.is_regular_file() &&
                 (IsMeshFileName(e.path().string()) || IsMjcfObjectFile(e.path().string()));
    }
    if (objects == 1) return p.parent_path().filename().string();
  }
  return file;
}

bool TrainedOn(const std::vector<std::string>& trained, const std::string& source) {
  auto has = [&](const std::string& key) {
    return std::find(trained.begin(), trained.end(), key) != trained.end();
  };
  if (has(ObjectKey(source))) return true;
  // models trained before object folders' own files took the folder's name keyed them by file
  std::error_code ec;
  const std::string file =
      std::filesystem::is_directory(source, ec) ? ObjectFolderMesh(source) : source;
  return !file.empty() && file.find('/') != std::string::npos &&
         has(std::filesystem::path(file).filename().string());
}

Expected<TrainingSet> TrainingSet::FromShards(const std::vector<std::string>& shards,
                                              bool all_held) {
  TrainingSet set;
  for (const std::string& path : shards) {
    Expected<ShardReader> reader = ShardReader::Open(path);
    if (!reader) return reader.error();
    const ShardInfo& info = reader->info();
    if (set.joint_names.empty()) set.joint_names = info.joint_names;
    if (info.joint_names != set.joint_names)
      return Error{path + ": the shard's hand has other joints than " + shards.front() +
                   " (one model is trained for one hand)"};
    Expected<ShardGrasps> grasps = reader->Grasps();
    if (!grasps) return grasps.error();
    const int object = static_cast<int>(set.objects.size());
    set.objects.push_back(ObjectKey(info.object_source.empty() ? info.object : info.object_source));
    const std::string noun = ObjectNoun(info.object);
    const int ps = grasps->pose_size;
    for (int k = 0; k < reader->num_scenes(); ++k) {
      // the scene's grasps clear of its table, or with all_held every held one made for it
      Expected<std::vector<int>> chosen = std::vector<int>();
      if (!all_held) {
        chosen = reader->SceneGrasps(k);
      } else {
        for (int g = 0; g < grasps->count(); ++g)
          if (grasps->success[g] == 1 && grasps->scene[g] == k) chosen->push_back(g);
      }
      if (!chosen) return chosen.error();
      if (chosen->empty()) continue;
      Expected<Scene> scene = reader->SceneAt(k);
      if (!scene) return scene.error();
      // the scene's held grasps by (part, mode), moved into the table frame
      std::map<std::pair<int, int>, std::vector<int>> groups;
      for (int g : *chosen) groups[{grasps->part[g], grasps->mode[g]}].push_back(g);
      for (const SceneView& view : scene->views) {
        auto cloud = std::make_shared<const Cloud>(ViewCloud(view));
        if (cloud->size() == 0) continue;
        for (const auto& [key, members] : groups) {
          TrainingSample s;
          s.cloud = cloud;
          s.object = object;
          s.part_label = key.first;
          s.mode = key.second;
          s.part = key.first >= 0 && key.first < static_cast<int>(info.part_names.size())
                       ? info.part_names[key.first]
                       : "body";
          s.noun = noun;
          s.pose_size = ps;
          for (int g : members) {
            auto place = [&](const std::vector<double>& rows, std::vector<double>& out) {
              const std::vector<double> row(rows.begin() + g * ps, rows.begin() + (g + 1) * ps);
              const std::vector<double> placed = PlacePose(row, scene->placement);
              out.insert(out.end(), placed.begin(), placed.end());
            };
            place(grasps->pregrasp, s.pregrasp);
            place(grasps->grasp, s.grasp);
            place(grasps->squeeze, s.squeeze);
            s.captions.push_back(grasps->caption[g]);
          }
          set.samples.push_back(std::move(s));
        }
      }
    }
  }
  return set;
}

TrainingSet TrainingSet::Subset(const std::vector<int>& which, bool held_back) const {
  TrainingSet out;
  out.objects = objects;
  out.joint_names = joint_names;
  const std::set<int> pick(which.begin(), which.end());
  for (const TrainingSample& s : samples)
    if ((pick.count(s.object) > 0) == held_back) out.samples.push_back(s);
  return out;
}

std::vector<std::string> TrainingSet::Texts() const {
  std::set<std::string> texts;
  for (const TrainingSample& s : samples) {
    texts.insert(s.captions.begin(), s.captions.end());
    texts.insert(TemplateInstruction(s.part, s.noun, s.mode));
    for (const std::string& p : TrainingParaphrases(s.part, s.noun, s.mode)) texts.insert(p);
  }
  return {texts.begin(), texts.end()};
}

long long TrainingSet::GraspCount() const {
  long long n = 0;
  for (const TrainingSample& s : samples) n += s.count();
  return n;
}

}  // namespace dexvlg
