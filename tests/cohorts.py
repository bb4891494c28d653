"""A whole cohort issued at once in the test's process, the way the job queue's workers
issue it: the job recorded, then each of its chunks run (issuer.cohort_jobs)."""
from issuer import cohort_jobs
from issuer.batch import BatchSummary


def issue_cohort(service, text: str, actor: str) -> BatchSummary:
    job_id = cohort_jobs.create_job(service, text, "cohort.csv", actor)
    runner = cohort_jobs.ChunkRunner(service)
    for number in cohort_jobs.chunk_numbers(service, job_id):
        runner.run(job_id, number)
    done = cohort_jobs.progress(service, job_id)
    assert done.finished, done
    return done.summary
