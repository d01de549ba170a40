#include "cli/dataset_commands.h"
#include "cli/command.h"
#include "cli/hand_commands.h"
#include "cli/mpi_session.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <ostream>
#include <sstream>
#include <thread>

#include "cli/progress.h"
#include "dataset/store.h"

namespace dexvlg::cli {
namespace fs = std::filesystem;
namespace {

void PrintTable(const std::vector<GenerateRow>& rows, std::ostream& out) {
  out << std::left << std::setw(28) << "object" << std::right << std::setw(6) << "parts"
      << std::setw(8) << "grasps" << std::setw(7) << "held" << std::setw(8) << "rate"
      << std::setw(8) << "scenes" << std::setw(14) << "scene grasps" << std::setw(10) << "seconds"
      << std::setw(11) << "KB/grasp"
      << "  status\n";
  for (const GenerateRow& row : rows) {
    const ShardSummary& r = row.shard;
    out << std::left << std::setw(28) << r.object.substr(0, 27) << std::right << std::setw(6)
        << r.parts << std::setw(8) << r.grasps << std::setw(7) << r.successful << std::setw(7)
        << std::fixed << std::setprecision(1) << (r.grasps ? 100.0 * r.successful / r.grasps : 0.0)
        << "%" << std::setw(8) << r.scenes << std::setw(14) << r.scene_grasps << std::setw(10)
        << std::setprecision(1) << r.seconds << std::setw(11) << std::setprecision(1)
        << (r.successful ? r.bytes / 1024.0 / r.successful : 0.0) << "  " << row.status << "\n";
  }
}

}  // namespace

const char* ScaleOut() {
#ifdef DEXVLG_WITH_MPI
  return "mpi";
#else
  return "single process";
#endif
}

Status ScaleImage(double scale, SceneOptions& scene) {
  if (!(scale > 0 && scale <= 1))
    return Error{"--image-scale " + std::to_string(scale) + ": expected (0, 1]"};
  scene.width = std::max(16, static_cast<int>(std::lround(scene.width * scale)));
  scene.height = std::max(9, static_cast<int>(std::lround(scene.height * scale)));
  return Status::Ok();
}

Expected<int> RunGenerate(const GenerateRequest& request, std::ostream& out) {
  auto objects = ListObjects(request.objects);
  if (!objects) return objects.error();
  GenerateOptions o = request.options;
  o.objects = *objects;
  if (Status s = ScaleImage(request.image_scale, o.scene); !s) return s.error();
  if (Status s = o.Validate(); !s) return s.error();  // before any work
  const MpiSession mpi;
  const int rank = mpi.rank(), ranks = mpi.world();
  const auto start = std::chrono::steady_clock::now();
  if (rank == 0) {
    out << "generating " << o.objects.size() << " objects into " << o.out << " ("
        << (ranks > 1 ? std::to_string(ranks) + " ranks, " : std::string())
        << "modes: " << o.modes.size() << ", " << o.count << " grasps per part and mode, "
        << o.scenes << " scenes of " << o.scene.cameras << " views at " << o.scene.width << "x"
        << o.scene.height << ")\n";
  }
  const std::vector<GenerateRow> rows =
      Generate(o, rank, ranks, std::cerr, [&](int done, int total, const std::string& object) {
        if (ranks == 1) {
          ShowProgress(done, total, "objects");
          std::cerr << " " << object << "        " << std::flush;
        } else {
          std::cerr << "[rank " << rank << "] " << done << "/" << total << " " << object << "\n";
        }
      });
  if (ranks == 1) std::cerr << "\n";
  int failed = 0;
  for (const GenerateRow& r : rows) failed += r.status.rfind("failed", 0) == 0;
  Status index = Status::Ok();
  mpi.Barrier();  // every rank's shards are finished
  if (rank == 0) index = WriteIndex(o.out);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // each rank prints its own rows (ranks > 1: prefixed by the rank through separate tables)
  std::ostringstream table;
  if (ranks > 1) table << "rank " << rank << " of " << ranks << ":\n";
  PrintTable(rows, table);
  out << table.str();
  long long made = 0, held = 0;
  double work = 0;
  for (const GenerateRow& r : rows) {
    if (r.status == "done")
      made += r.shard.grasps, held += r.shard.successful, work += r.shard.seconds;
  }
  if (made > 0) {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    out << "this run: " << held << " validated grasps (" << made << " simulated) in " << std::fixed
        << std::setprecision(1) << seconds << " s = " << std::setprecision(0)
        << held / std::max(work, 1e-9) * 3600 / cores << " validated grasps per hour per core ("
        << cores << " cores), " << std::setprecision(2) << held / std::max(work, 1e-9)
        << " valid grasps/s (scenes included)\n";
  }
  if (!index) return index.error();
  if (rank == 0) out << "index: " << (fs::path(o.out) / "index.json").string() << "\n";
  return failed;
}

Status RunDatasetInfo(const std::string& dataset, std::ostream& out) {
  const std::vector<std::string> shards = ListShards(dataset);
  if (shards.empty()) return Error{dataset + ": no shards (not a dexvlg dataset?)"};
  std::vector<GenerateRow> rows;
  for (const std::string& path : shards) {
    auto s = SummariseShard(path);
    if (!s) return s.error();
    rows.push_back({*s, s->file});
  }
  PrintTable(rows, out);
  long long g = 0, h = 0, sc = 0, b = 0;
  for (const GenerateRow& r : rows) {
    g += r.shard.grasps, h += r.shard.successful, sc += r.shard.scenes, b += r.shard.bytes;
  }
  out << rows.size() << " objects, " << g << " grasps, " << h << " held in simulation, " << sc
      << " scenes, " << std::fixed << std::setprecision(1) << b / 1048576.0 << " MiB\n";
  return Status::Ok();
}

Expected<int> RunDatasetVerify(const std::string& dataset, std::ostream& out) {
  if (!fs::is_directory(dataset)) return Error{dataset + ": not a folder"};
  const int problems = VerifyDataset(dataset, out);
  out << dataset << ": " << ListShards(dataset).size() << " shards, "
      << (problems ? std::to_string(problems) + " problems" : std::string("OK")) << "\n";
  return problems;
}

Status RunDatasetExport(const std::string& dataset, const std::string& out_dir,
                        const std::string& format, const std::string& hand_path,
                        std::ostream& out) {
  if (ListShards(dataset).empty()) return Error{dataset + ": no shards (not a dexvlg dataset?)"};
  auto hand = ResolveHand(hand_path);
  if (!hand) return hand.error();
  return ExportDataset(dataset, out_dir, format, out, &*hand);
}

void AddDatasetCommands(Commands& commands) {
  CLI::App& app = commands.app();
  struct State {
    dexvlg::cli::GenerateRequest generate_request;
    std::string dataset_path, export_out, export_format = "csv", export_hand;
  };
  const auto opt = std::make_shared<State>();
  // dexvlg generate ...
  auto* generate = app.add_subcommand(
      "generate",
      "Make a dataset: for every object and part, synthesise, validate and caption grasps, "
      "render table-top RGB-D scenes and store one HDF5 shard per object (resumable; "
      "`mpirun -np N dexvlg generate ...` shares the objects across ranks; docs/dataset.md)");
  generate
      ->add_option("--objects", opt->generate_request.objects,
                   "Objects: a folder of object folders or mesh files, a text file with one "
                   "source per line, or a comma-separated list (procedural names allowed)")
      ->required();
  generate->add_option("--out", opt->generate_request.options.out, "Dataset folder")->required();
  generate->add_option("--hand", opt->generate_request.options.hand, kHandHelp);
  generate
      ->add_option("--count", opt->generate_request.options.count,
                   "Synthesised grasps per part and mode (all are validated)")
      ->capture_default_str();
  generate
      ->add_option("--attempts", opt->generate_request.options.attempts,
                   "Synthesis attempts per part and mode (0: 16 x count)")
      ->capture_default_str();
  AddObjectScale(generate, &opt->generate_request.options.object_scale);
  generate
      ->add_option("--part-names", opt->generate_request.options.part_names,
                   "Part names in label order, comma separated, for every object (e.g. "
                   "body,handle for unlabelled mugs; see `object segment`)")
      ->delimiter(',');
  generate
      ->add_option("--settle", opt->generate_request.options.settle,
                   "Settle each grasp where the free object comes to rest in the closing hand "
                   "(up to N protocol-pace rounds after a gentle squeeze; 0: off, "
                   "docs/synth.md)")
      ->capture_default_str()
      ->check(CLI::Range(0, 10));
  generate
      ->add_option("--fc-friction", opt->generate_request.options.fc_friction,
                   "Synthesis force closure with friction: the LP's contact forces lie in "
                   "cones of this coefficient (0: normal forces only, docs/synth.md)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 2.0));
  generate
      ->add_option("--palm", opt->generate_request.options.palm,
                   "Synthesis palm contacts: touch, gap or auto (touch on long, thick shafts "
                   "such as cans and bottles, unless lying on the table; docs/synth.md)")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "touch", "gap"}));
  generate
      ->add_option("--synth-table", opt->generate_request.options.synth_table,
                   "scene: synthesise with each scene's table; free: synthesise once around "
                   "the free object and give each grasp to the scene whose table it clears "
                   "(the paper's order; docs/dataset.md)")
      ->capture_default_str()
      ->check(CLI::IsMember({"scene", "free"}));
  generate->add_option("--modes", opt->generate_request.options.modes, "Grasp modes")
      ->check(CLI::IsMember({"wrap", "pinch"}))
      ->delimiter(',')
      ->capture_default_str();
  generate
      ->add_option("--scenes", opt->generate_request.options.scenes,
                   "Resting poses (scenes) per object")
      ->capture_default_str();
  generate->add_option("--views", opt->generate_request.options.scene.cameras, "Cameras per scene")
      ->capture_default_str();
  generate
      ->add_option("--points", opt->generate_request.options.scene.points,
                   "Points per view after downsampling")
      ->capture_default_str();
  generate
      ->add_option("--image-scale", opt->generate_request.image_scale,
                   "Camera resolution scale (1: 1280 x 720, the D415's depth resolution)")
      ->capture_default_str();
  generate->add_option("--seed", opt->generate_request.options.seed, "Seed")->capture_default_str();
  generate->add_flag("!--no-pictures", opt->generate_request.options.pictures,
                     "Skip the per-object scene pictures (dataset/pictures)");

  // dexvlg dataset info|verify|export
  auto* dataset_cmd = app.add_subcommand("dataset", "Inspect, check and export a dataset");
  dataset_cmd->require_subcommand(1);
  auto* dataset_info = dataset_cmd->add_subcommand("info", "Counts per object and totals");
  dataset_info->add_option("DATASET", opt->dataset_path, "Dataset folder")->required();
  auto* dataset_verify = dataset_cmd->add_subcommand(
      "verify", "Integrity check of every shard and the index (exit 1 on any problem)");
  dataset_verify->add_option("DATASET", opt->dataset_path, "Dataset folder")->required();
  auto* dataset_export = dataset_cmd->add_subcommand(
      "export", "Write point clouds as PLY and grasps as CSV or JSON rows");
  dataset_export->add_option("DATASET", opt->dataset_path, "Dataset folder")->required();
  dataset_export->add_option("--out", opt->export_out, "Output folder")->required();
  dataset_export
      ->add_option("--format", opt->export_format,
                   "Grasp rows format: csv, json, or dexgraspbench (one .npy per successful grasp "
                   "in DexGraspBench's layout, pregrasp, grasp and squeeze; docs/grasp_file.md)")
      ->check(CLI::IsMember({"csv", "json", "dexgraspbench"}))
      ->capture_default_str();
  dataset_export->add_option("--hand", opt->export_hand,
                             "dexgraspbench: the hand the dataset was made with (its MJCF's model "
                             "frame is the root DexGraspBench poses); default: built-in");
  commands.On(generate, [opt] {
    auto failed = dexvlg::cli::RunGenerate(opt->generate_request, std::cout);
    if (!failed) return Fail(failed.error());
    return *failed == 0 ? 0 : kExitInputError;
  });
  commands.On(dataset_info, [opt] {
    if (dexvlg::Status s = dexvlg::cli::RunDatasetInfo(opt->dataset_path, std::cout); !s) {
      return Fail(s.error());
    }
    return 0;
  });
  commands.On(dataset_verify, [opt] {
    auto problems = dexvlg::cli::RunDatasetVerify(opt->dataset_path, std::cout);
    if (!problems) return Fail(problems.error());
    return *problems == 0 ? 0 : kExitInputError;
  });
  commands.On(dataset_export, [opt] {
    if (dexvlg::Status s = dexvlg::cli::RunDatasetExport(
            opt->dataset_path, opt->export_out, opt->export_format, opt->export_hand, std::cout);
        !s) {
      return Fail(s.error());
    }
    return 0;
  });
}

}  // namespace dexvlg::cli
